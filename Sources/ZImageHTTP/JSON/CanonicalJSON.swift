package import Foundation

/// JSON in one canonical spelling (object keys sorted, no insignificant white space, strings and numbers re-spelt the same
/// way), so two documents can be compared by bytes: key order and white space never make a difference.
///
/// Also the package's JSON parser (``parse(_:rejectingDuplicateKeys:)``, strict RFC 8259, into ``JSONValue``): it runs on every replayed request
/// and every cassette load, and Foundation's parsers spend tens of microseconds on a 200-byte body on Linux
/// (`JSONDecoder` into an enum, ten times more).
package enum CanonicalJSON {
    /// Why bytes are not JSON.
    package struct InvalidJSON: Error, Sendable, CustomStringConvertible {
        /// The byte offset where reading stopped.
        package var offset: Int
        /// What was wrong there, when more is known than "not JSON" (a duplicate key, say).
        package var reason: String?

        init(offset: Int, reason: String? = nil) {
            self.offset = offset
            self.reason = reason
        }

        /// The failure in one sentence.
        package var description: String {
            reason.map { "\($0) at byte \(offset)" } ?? "not valid JSON at byte \(offset)"
        }
    }

    /// The canonical bytes of a JSON document.
    ///
    /// - Throws: ``CanonicalJSON/InvalidJSON`` when `data` is not one JSON value (surrounding white space allowed).
    static func normalize(_ data: Data) throws -> Data {
        try parse(data).data
    }

    /// Parses one JSON value (surrounding white space allowed).
    ///
    /// - Parameters:
    ///   - data: the document's bytes, UTF-8.
    ///   - rejectingDuplicateKeys: refuse an object that names a key twice. RFC 8259 leaves duplicates to the
    ///     reader (JSONTestSuite's `y_object_duplicated_key` must parse), so the default keeps the last one; a
    ///     document someone reviews as text (a cassette in a pull request) must not hide a value a reviewer never sees.
    /// - Throws: ``CanonicalJSON/InvalidJSON`` with the offset where reading stopped.
    package static func parse(_ data: Data, rejectingDuplicateKeys: Bool = false) throws -> JSONValue {
        try data.withUnsafeBytes { buffer in
            var parser = Parser(
                bytes: buffer.bindMemory(to: UInt8.self), rejectingDuplicateKeys: rejectingDuplicateKeys)
            parser.skipSpace()
            let value = try parser.value()
            parser.skipSpace()
            guard parser.position == parser.bytes.count else { throw InvalidJSON(offset: parser.position) }
            return value
        }
    }

    /// Appends the canonical spelling of `value`: compact, object keys in byte order, strings escaping only `"`, `\` and
    /// control characters, integral numbers without a fraction.
    static func render(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output += Array("null".utf8)
        case .bool(let flag): output += Array((flag ? "true" : "false").utf8)
        case .int(let number): output += Array(String(number).utf8)
        case .bigInteger(let digits): output += Array(digits.utf8)
        case .double(let number):
            output += Array(
                (number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)).utf8)
        case .string(let text): renderString(text, into: &output)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                render(item, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let sorted = members.map { (Array($0.key.utf8), $0.value) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                renderString(String(decoding: member.0, as: UTF8.self), into: &output)
                output.append(UInt8(ascii: ":"))
                render(member.1, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `value` as a cassette file spells JSON: keys in byte order, two spaces an indent level, `"key" : value`,
    /// empty containers as `{}` and `[]`, numbers and strings as ``render(_:into:)`` spells them (integers of any length
    /// exactly). The same bytes `JSONEncoder` writes with `[.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]`, except
    /// that no number is rounded on the way.
    static func renderPretty(_ value: JSONValue, indent: Int = 0, into output: inout [UInt8]) {
        func newline(_ level: Int) {
            output.append(0x0A)
            output += [UInt8](repeating: UInt8(ascii: " "), count: level * 2)
        }
        switch value {
        case .array(let items) where !items.isEmpty:
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                renderPretty(item, indent: indent + 1, into: &output)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            output.append(UInt8(ascii: "{"))
            let sorted = members.map { (Array($0.key.utf8), $0.value) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                renderString(String(decoding: member.0, as: UTF8.self), into: &output)
                output += Array(" : ".utf8)
                renderPretty(member.1, indent: indent + 1, into: &output)
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        default:
            render(value, into: &output)
        }
    }

    private static func renderString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: output += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: output += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case ..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                output += Array("\\u00".utf8) + [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Whether two JSON documents are equal once normalized; `false` when either is not JSON.
    package static func equal(_ left: Data, _ right: Data) -> Bool {
        guard let left = try? normalize(left), let right = try? normalize(right) else { return false }
        return left == right
    }
}
