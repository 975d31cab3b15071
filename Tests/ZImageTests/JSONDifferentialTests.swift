import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTestSupport

/// A small, fast generator with a fixed seed (SplitMix64), so every run mutates the same documents.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Our parser against Foundation's `JSONSerialization` over thousands of mutated documents: the same verdict, and the
/// same value (both re-spelt canonically), except where the two are known to differ on purpose.
@Suite("CanonicalJSON against JSONSerialization, differentially")
struct JSONDifferentialTests {
    /// The documents mutated: the documented payloads, and JSONTestSuite's `y_` files when ../shared is there.
    static var seeds: [Data] {
        var documents = [
            DocumentedExamples.requestBody, DocumentedExamples.singaporeSuccess, DocumentedExamples.beijingSuccess,
            DocumentedExamples.errorBody, #"{"a":[1,-2.5e3,true,false,null,"\u00e9\n"],"b":{"c":{}}}"#,
        ]
        .map { Data($0.utf8) }
        if let folder = SharedCorpus.json, let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        {
            documents += names.sorted().filter { $0.hasPrefix("y_") }
                .compactMap { FileManager.default.contents(atPath: folder.appendingPathComponent($0).path) }
        }
        return documents
    }

    /// Bytes a mutation writes: JSON's own, and a few that are never valid.
    static let alphabet = Array(#"{}[]",:0123456789-+.eE tfnlrsu\/ "#.utf8) + [0x00, 0x0A, 0x7F, 0xC3, 0xA9, 0xFF]

    /// `document` with one to three random edits: a byte replaced, deleted, inserted, or a span doubled.
    static func mutate(_ document: Data, _ random: inout SplitMix64) -> Data {
        var bytes = [UInt8](document)
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where !bytes.isEmpty: bytes[position] = alphabet.randomElement(using: &random) ?? 0
            case 1 where !bytes.isEmpty: bytes.remove(at: position)
            case 2: bytes.insert(alphabet.randomElement(using: &random) ?? 0, at: position)
            default:
                let end = min(bytes.count, position + Int.random(in: 1...8, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            }
        }
        return Data(bytes)
    }

    /// Where the two parsers differ on purpose: Foundation reads UTF-16 and UTF-32 (found by NUL bytes and byte-order
    /// marks), and a byte-order mark before UTF-8; RFC 8259 §8.1 asks for UTF-8 without one, and so do we.
    static func foundationSniffsAnotherEncoding(_ data: Data) -> Bool {
        data.prefix(4).contains(0) || data.starts(with: [0xEF, 0xBB, 0xBF]) || data.starts(with: [0xFE, 0xFF])
            || data.starts(with: [0xFF, 0xFE])
    }

    /// Whether Foundation accepts `data` only because it tolerates a trailing comma (`[1,]`, `{"a":1,}`), which RFC 8259
    /// and JSONTestSuite (`n_array_extra_comma.json`) refuse: without those commas, we accept it too.
    static func foundationToleratesTrailingComma(_ data: Data) -> Bool {
        let text = String(decoding: data, as: UTF8.self)
        guard let comma = try? Regex(#",(\s*[\]}])"#), text.contains(comma) else { return false }
        return (try? CanonicalJSON.parse(Data(text.replacing(comma) { $0.output[1].substring ?? "" }.utf8))) != nil
    }

    /// Whether `data` has a number Foundation rounds: more significant digits than a `Double` holds, which we keep.
    static func hasLongNumber(_ data: Data) -> Bool {
        var run = 0
        for byte in data {
            run = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? run + 1 : 0
            if run > 15 { return true }
        }
        return false
    }

    @Test("4,000 mutated documents: the same verdict and the same value as JSONSerialization")
    func sameVerdictAndValue() throws {
        var random = SplitMix64(state: 20_261_125)
        let seeds = Self.seeds
        var compared = 0
        var accepted = 0
        var skipped = 0
        var trailingCommas = 0
        for round in 0..<4_000 {
            let document = Self.mutate(seeds[round % seeds.count], &random)
            if Self.foundationSniffsAnotherEncoding(document) {
                skipped += 1
                continue
            }
            let ours = try? CanonicalJSON.parse(document)
            let theirs = try? JSONSerialization.jsonObject(with: document, options: .fragmentsAllowed)
            if ours == nil && theirs != nil && Self.foundationToleratesTrailingComma(document) {
                trailingCommas += 1
                continue
            }
            compared += 1
            #expect((ours != nil) == (theirs != nil), "verdicts differ on \(String(decoding: document, as: UTF8.self))")
            guard let ours, let theirs, !Self.hasLongNumber(document) else { continue }
            accepted += 1
            let respelt = try JSONSerialization.data(withJSONObject: theirs, options: [.fragmentsAllowed, .sortedKeys])
            #expect(
                try CanonicalJSON.normalize(respelt) == ours.data,
                "values differ on \(String(decoding: document, as: UTF8.self))")
        }
        // The run must exercise both verdicts, or it proves little.
        #expect(
            compared > 3_500 && accepted > 200 && compared - accepted > 500,
            "compared \(compared), accepted \(accepted), other encodings \(skipped), trailing commas \(trailingCommas)")
        print(
            "differential: compared \(compared), both accepted and equal \(accepted), other encodings \(skipped), "
                + "trailing commas Foundation tolerates \(trailingCommas)")
    }
}
