public import Foundation
import ZImageHTTP

/// Reading and writing cassettes: canonical JSON (sorted keys, two-space indent, trailing newline) so that re-recording
/// gives small diffs; JSON bodies stored as JSON values, text as text, binary bodies (the PNGs) as sidecar files
/// `bodies/<sha256>.<ext>` beside the cassette, named and checked by their hash.
public enum CassetteFile {
    /// What a write did.
    public enum WriteOutcome: Sendable, Hashable {
        /// The file was written.
        case written
        /// The file already held exactly these exchanges; it was left alone (no churn, not even its `recorded_at`).
        case unchanged
    }

    /// Reads a cassette and its body files.
    ///
    /// The file is parsed once by `CanonicalJSON/parse(_:)` and mapped by hand: `JSONDecoder` into JSON values took
    /// ten times as long (see BENCHMARKS.md).
    ///
    /// - Throws: ``CassetteError``: unknown format, a field that breaks the schema (`CassetteSchema`), missing body,
    ///   body hash mismatch, unreadable file.
    public static func load(_ url: URL, rules: CassetteRules = .standard) throws -> Cassette {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw CassetteError.notFound(path: path, mode: "none", hint: rules.reRecordingHint)
        }
        guard FileKind.of(path) != .symbolicLink || FileKind.resolving(path) == .regular else {
            throw CassetteError.unreadable(path: path, reason: "it is not a regular file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CassetteError.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        return try load(data, from: url, rules: rules)
    }

    /// Reads a cassette from its bytes; `url` is where it was read from (body files are looked up beside it).
    ///
    /// The whole document is validated first by one schema (`CassetteSchema`): no part of a cassette is used before
    /// all of it is known to be sound.
    ///
    /// - Throws: ``CassetteError``: unknown format, a field that breaks the schema, missing body, body hash mismatch.
    package static func load(_ data: Data, from url: URL, rules: CassetteRules = .standard) throws -> Cassette {
        try CassetteSchema.decode(data, from: url, verifyingImages: rules.verifyImage)
    }

    /// The 1-based line where interaction `index` (0-based) begins in a cassette's bytes, `nil` when there is none: found
    /// from the JSON's structure (strings skipped, nesting tracked), so it holds for any layout, not only the one this
    /// package writes. Reports use it to point at the interaction a problem concerns.
    package static func line(ofInteraction index: Int, in data: Data) -> Int? {
        let quote = UInt8(ascii: "\"")
        let backslash = UInt8(ascii: "\\")
        let comma = UInt8(ascii: ",")
        let open: Set<UInt8> = [UInt8(ascii: "{"), UInt8(ascii: "[")]
        let close: Set<UInt8> = [UInt8(ascii: "}"), UInt8(ascii: "]")]
        let whiteSpace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        let interactionsKey = Array("interactions".utf8)
        var line = 1
        var depth = 0
        var element = -1
        var inString = false
        var escaped = false
        var inInteractions = false
        var expectingElement = false
        var text: [UInt8] = []
        var lastString: [UInt8] = []
        for byte in data {
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == backslash {
                    escaped = true
                } else if byte == quote {
                    inString = false
                    lastString = text
                } else if depth == 1 {
                    text.append(byte)
                }
                continue
            }
            if whiteSpace.contains(byte) { continue }
            if inInteractions && depth == 2 && expectingElement && byte != comma && !close.contains(byte) {
                element += 1
                expectingElement = false
                if element == index { return line }
            }
            if byte == quote {
                inString = true
                text = []
            } else if open.contains(byte) {
                if depth == 1 && byte == UInt8(ascii: "[") && lastString == interactionsKey {
                    inInteractions = true
                    expectingElement = true
                }
                depth += 1
            } else if close.contains(byte) {
                depth -= 1
                if inInteractions && depth == 1 { return nil }
            } else if byte == comma && inInteractions && depth == 2 {
                expectingElement = true
            }
        }
        return nil
    }

    /// What a write compares its result with, to avoid churn.
    package enum Baseline: Sendable {
        /// What the file holds now (the default).
        case currentFile
        /// These bytes: what the file held before a recording began.
        case bytes(Data)
        /// Nothing: write as given (intermediate writes of a recording).
        case none
    }

    /// Writes a cassette and its body files atomically.
    ///
    /// - Parameters:
    ///   - cassette: the cassette to write.
    ///   - url: the cassette's file; its body files go to `bodies/` beside it.
    ///   - secrets: values that must appear nowhere in what is written (the API key); found anyway, the write is refused.
    ///   - baseline: when the new exchanges are the baseline's, the baseline is kept byte for byte, its `recorded_at`
    ///     included: no churn.
    @discardableResult
    package static func write(
        _ cassette: Cassette, to url: URL, secrets: [String] = [], baseline: Baseline = .currentFile
    )
        throws -> WriteOutcome
    {
        let prepared = cassette.interactions.map(prepare)
        return try write(
            document(cassette, prepared.map(\.stored)), sidecars: prepared.flatMap(\.sidecars), to: url,
            secrets: secrets, baseline: baseline)
    }

    /// Writes an already prepared cassette (see ``prepare(_:)`` and ``document(_:_:)``).
    ///
    /// `volatileQueryParameters` (an expiry time) take no part in deciding whether the exchanges are the baseline's.
    static func write(
        _ document: [String: JSONValue], sidecars: [(String, Data)], to url: URL, secrets: [String],
        baseline: Baseline, volatileQueryParameters: Set<String> = []
    ) throws -> WriteOutcome {
        var bytes = render(document)
        // A key this short cannot be told apart from ordinary text, so it can be neither redacted nor searched for: a
        // recording with one is refused rather than written with the key possibly in it.
        if let short = secrets.first(where: { (1..<Redactor.shortestSecret).contains($0.count) }) {
            throw CassetteError.secretFound(
                path: url.path,
                place: "whatever was recorded, unnoticed: the key is only \(short.count) characters, too short "
                    + "to find and redact reliably (DashScope keys are sk- and 32 more); check the key you gave")
        }
        for secret in secrets where secret.count >= Redactor.shortestSecret {
            let needle = Data(secret.utf8)
            if bytes.range(of: needle) != nil {
                throw CassetteError.secretFound(path: url.path, place: "the cassette's JSON")
            }
            for (file, data) in sidecars where data.range(of: needle) != nil {
                throw CassetteError.secretFound(path: url.path, place: "the body file \(file)")
            }
        }
        let current = try? Data(contentsOf: url)
        let old: Data? =
            switch baseline {
            case .currentFile: current
            case .bytes(let bytes): bytes
            case .none: nil
            }
        // The same exchanges as before: keep the old file, its recording time included.
        if let old, case .object(let stored)? = try? CanonicalJSON.parse(old) {
            var same = document
            for key in ["recorded_at", "recorded_with"] { same[key] = stored[key] }
            let unvarying = { (data: Data) in Self.withoutVolatileValues(data, volatileQueryParameters) }
            if render(same) == old || unvarying(render(same)) == unvarying(old) { bytes = old }
        }
        let folder = url.deletingLastPathComponent()
        var changed = false
        for (file, data) in sidecars {
            let target = folder.appendingPathComponent(file)
            if let present = FileManager.default.contents(atPath: target.path), present == data { continue }
            try AtomicFile.write(data, to: target, confinedTo: folder)
            changed = true
        }
        if bytes != current {
            try AtomicFile.write(bytes, to: url, confinedTo: folder)
            changed = true
        }
        return changed ? .written : .unchanged
    }

    /// `data` with the values of the query parameters `names` (lower case) blanked wherever a URL in it has them.
    static func withoutVolatileValues(_ data: Data, _ names: Set<String>) -> Data {
        guard !names.isEmpty, let text = String(data: data, encoding: .utf8) else { return data }
        let alternatives = names.sorted().map(NSRegularExpression.escapedPattern(for:)).joined(separator: "|")
        guard let pattern = try? NSRegularExpression(pattern: #"(?i)([?&](?:"# + alternatives + #")=)[^&"\s\\]*"#)
        else { return data }
        return Data(
            pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1")
                .utf8)
    }

    /// The body files a cassette refers to, relative to its folder.
    static func bodyFiles(of url: URL) throws -> [String] {
        guard case .object(let root) = try CanonicalJSON.parse(Data(contentsOf: url)),
            case .array(let items)? = root["interactions"]
        else { return [] }
        return items.flatMap { item -> [String] in
            guard case .object(let interaction) = item else { return [] }
            return ["request", "response"].compactMap { side in
                guard case .object(let part)? = interaction[side], case .object(let body)? = part["body"],
                    case .string(let file)? = body["file"]
                else { return nil }
                return file
            }
        }
    }

    /// A cassette file's bytes: indented canonical JSON and a trailing newline.
    private static func render(_ document: [String: JSONValue]) -> Data {
        JSONValue.object(document).prettyData + Data("\n".utf8)
    }

    /// One interaction in its stored form, with the sidecar files its bodies need: computed once per interaction by a
    /// recorder, so that rewriting a growing cassette does not parse every body again.
    struct PreparedInteraction: Sendable {
        var stored: JSONValue
        var sidecars: [(String, Data)]
    }

    /// The stored form of one interaction: JSON bodies as JSON values (numbers exactly as sent), text as text, other
    /// bodies as sidecar files named by their sha256.
    static func prepare(_ interaction: Interaction) -> PreparedInteraction {
        var sidecars: [(String, Data)] = []
        func store(_ data: Data?, headers: [String: String]) -> JSONValue? {
            guard let data, !data.isEmpty else { return nil }
            let type = (headers.first { $0.key.lowercased() == "content-type" }?.value ?? "").lowercased()
            if type.isEmpty || type.contains("json") || type.hasPrefix("text/"), let json = JSONValue(parsing: data) {
                if case .object = json { return .object(["json": json]) }
                if case .array = json { return .object(["json": json]) }
            }
            if !type.hasPrefix("image/"), !type.contains("octet-stream"),
                let text = String(data: data, encoding: .utf8),
                !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" })
            {
                return .object(["text": .string(text)])
            }
            let hash = SHA256.hexDigest(of: data)
            let file = "bodies/\(hash).\(type.contains("png") ? "png" : "bin")"
            sidecars.append((file, data))
            return .object(["file": .string(file), "sha256": .string(hash)])
        }
        func part(_ fields: [String: JSONValue], headers: [String: String], body: JSONValue?) -> JSONValue {
            var fields = fields
            if !headers.isEmpty { fields["headers"] = .object(headers.mapValues(JSONValue.string)) }
            if let body { fields["body"] = body }
            return .object(fields)
        }
        let request = interaction.request
        let response = interaction.response
        let stored = JSONValue.object([
            "request": part(
                ["method": .string(request.method), "url": .string(request.url)], headers: request.headers,
                body: store(request.body, headers: request.headers)),
            "response": part(
                ["status": .int(response.status)], headers: response.headers,
                body: store(response.body, headers: response.headers)),
        ])
        return PreparedInteraction(stored: stored, sidecars: sidecars)
    }

    /// The stored form of a cassette around already prepared interactions.
    static func document(_ cassette: Cassette, _ interactions: [JSONValue]) -> [String: JSONValue] {
        var document: [String: JSONValue] = [
            "format": .int(Cassette.currentFormat), "source": .string(cassette.source.rawValue),
            "recorded_at": .string(cassette.recordedAt), "recorded_with": .string(cassette.recordedWith),
            "interactions": .array(interactions),
        ]
        if let region = cassette.region { document["region"] = .string(region) }
        if let scenario = cassette.scenario { document["scenario"] = scenario }
        return document
    }
}
