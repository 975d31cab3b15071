import Foundation
import Testing

@testable import BasicTestSupport
@testable import ZImageHTTP

/// nst/JSONTestSuite (../shared/testdata, beside the repository): `y_` documents must be accepted, `n_` rejected.
@Suite(
    "CanonicalJSON against JSONTestSuite", .enabled(if: SharedCorpus.json != nil, SharedCorpus.absent("JSONTestSuite")))
struct JSONTestSuiteTests {
    static let files: [URL] =
        SharedCorpus.json.map { folder in
            ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        } ?? []

    @Test("y_ files are accepted", arguments: files.filter { $0.lastPathComponent.hasPrefix("y_") })
    func accepted(_ file: URL) throws {
        let data = try Data(contentsOf: file)
        #expect(throws: Never.self) { try CanonicalJSON.parse(data) }
    }

    @Test("n_ files are rejected", arguments: files.filter { $0.lastPathComponent.hasPrefix("n_") })
    func rejected(_ file: URL) throws {
        let data = try Data(contentsOf: file)
        #expect(throws: CanonicalJSON.InvalidJSON.self) { try CanonicalJSON.parse(data) }
    }

    @Test("the corpus is there: 95 y_, 188 n_ and 35 i_ files")
    func corpusSize() {
        let prefixes = Self.files.map { String($0.lastPathComponent.prefix(2)) }
        #expect(prefixes.filter { $0 == "y_" }.count == 95)
        #expect(prefixes.filter { $0 == "n_" }.count == 188)
        #expect(prefixes.filter { $0 == "i_" }.count == 35)
    }
}

extension JSONTestSuiteTests {
    /// What the parser does with each implementation-defined document (see the doc comment of `CanonicalJSON.Parser`).
    static let acceptedImplementationDefined: Set<String> = [
        "i_number_double_huge_neg_exp.json", "i_number_real_underflow.json", "i_number_too_big_neg_int.json",
        "i_number_too_big_pos_int.json", "i_number_very_big_negative_int.json", "i_structure_500_nested_arrays.json",
    ]

    @Test(
        "i_ files: huge integers and underflows accepted, overflows, bad surrogates, non-UTF-8 and BOMs refused",
        arguments: files.filter { $0.lastPathComponent.hasPrefix("i_") })
    func implementationDefined(_ file: URL) throws {
        let accepted = (try? CanonicalJSON.parse(try Data(contentsOf: file))) != nil
        #expect(accepted == Self.acceptedImplementationDefined.contains(file.lastPathComponent))
    }

    @Test("integers beyond 64 bits keep every digit, and are stored and compared exactly")
    func bigIntegers() throws {
        for text in ["12345678901234567890", "-123123123123123123123123123123", "100000000000000000000"] {
            let value = try CanonicalJSON.parse(Data("[\(text)]".utf8))
            #expect(value == .array([.bigInteger(text)]))
            #expect(String(decoding: value.data, as: UTF8.self) == "[\(text)]")
        }
        #expect(!CanonicalJSON.equal(Data("[12345678901234567890]".utf8), Data("[12345678901234567891]".utf8)))
        #expect(CanonicalJSON.equal(Data(#"{"a":1.0,"b":[2e0]}"#.utf8), Data(#"{"b":[2],"a":1}"#.utf8)))
    }

    // Found by `make fuzz` (json): these parsed to `.double`, and their canonical spelling back to `.int`.
    @Test(
        "a whole number written with a fraction or an exponent is one value, and reads back the same",
        arguments: ["0E0", "1.0", "28E8", "2e2", "-0.0", "10E-1", "9007199254740993.0"])
    func wholeNumbersAreOneValue(_ text: String) throws {
        let value = try CanonicalJSON.parse(Data(text.utf8))
        #expect(
            try CanonicalJSON.parse(value.data) == value, "\(text) -> \(String(decoding: value.data, as: UTF8.self))")
        if let number = Double(text), abs(number) < 9_007_199_254_740_992 {
            #expect(value == .int(Int(number)))
        }
    }

    @Test(
        "numbers RFC 8259 forbids are refused, each at its byte",
        arguments: [
            ("01", 0), ("-01", 1), (".5", 0), ("2.", 2), ("0.e1", 2), ("-", 1), ("1e", 2), ("1e+", 3), ("+1", 0),
            ("0x1", 1),
        ])
    func forbiddenNumbers(_ text: String, offset: Int) {
        let error = #expect(throws: CanonicalJSON.InvalidJSON.self) { try CanonicalJSON.parse(Data(text.utf8)) }
        #expect(error?.offset == offset, "\(text)")
    }
}
