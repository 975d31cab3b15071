package import Foundation

/// JSON in one canonical spelling (object keys sorted, no insignificant white space, strings and numbers re-spelt the same
/// way), so two documents can be compared by bytes: key order and white space never make a difference.
///
/// Also the package's JSON parser (``parse(_:)``, strict RFC 8259, into ``JSONValue``): it runs on every replayed request
/// and every cassette load, and Foundation's parsers spend tens of microseconds on a 200-byte body on Linux
/// (`JSONDecoder` into an enum, ten times more).
package enum CanonicalJSON {
    /// Why bytes are not JSON.
    package struct InvalidJSON: Error, Sendable, CustomStringConvertible {
        /// The byte offset where reading stopped.
        package var offset: Int
        package var description: String { "not valid JSON at byte \(offset)" }
    }

    /// The canonical bytes of a JSON document.
    ///
    /// - Throws: ``InvalidJSON`` when `data` is not one JSON value (surrounding white space allowed).
    package static func normalize(_ data: Data) throws -> Data {
        try parse(data).data
    }

    /// Parses one JSON value (surrounding white space allowed).
    ///
    /// - Throws: ``InvalidJSON`` with the offset where reading stopped.
    package static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { buffer in
            var parser = Parser(bytes: buffer.bindMemory(to: UInt8.self))
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
        case .double(let number):
            output += Array((number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)).utf8)
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

    private static func renderString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
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

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var depth = 0

        mutating func skipSpace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        func fail() -> InvalidJSON { InvalidJSON(offset: position) }

        mutating func expect(_ literal: StaticString) throws {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw fail() }
            for index in 0..<count where bytes[position + index] != literal.utf8Start[index] { throw fail() }
            position += count
        }

        mutating func value() throws -> JSONValue {
            guard position < bytes.count else { throw fail() }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            default: return try number()
            }
        }

        mutating func object() throws -> JSONValue {
            depth += 1
            guard depth < 512 else { throw fail() }
            position += 1
            var members: [String: JSONValue] = [:]
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
            } else {
                while true {
                    skipSpace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail() }
                    let key = try string()
                    skipSpace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail() }
                    position += 1
                    skipSpace()
                    members[key] = try value()
                    skipSpace()
                    guard position < bytes.count else { throw fail() }
                    if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                    guard bytes[position] == UInt8(ascii: "}") else { throw fail() }
                    position += 1
                    break
                }
            }
            depth -= 1
            return .object(members)
        }

        mutating func array() throws -> JSONValue {
            depth += 1
            guard depth < 512 else { throw fail() }
            position += 1
            var items: [JSONValue] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
            } else {
                while true {
                    skipSpace()
                    items.append(try value())
                    skipSpace()
                    guard position < bytes.count else { throw fail() }
                    if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                    guard bytes[position] == UInt8(ascii: "]") else { throw fail() }
                    position += 1
                    break
                }
            }
            depth -= 1
            return .array(items)
        }

        /// A string with its escapes decoded; invalid UTF-8 or a raw control character is an error.
        mutating func string() throws -> String {
            position += 1
            // The common case, no escapes: one slice.
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\"),
                  bytes[position] >= 0x20 {
                position += 1
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                defer { position += 1 }
                guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self) else {
                    throw fail()
                }
                return text
            }
            var scalars = Array(bytes[start..<position])
            while true {
                guard position < bytes.count else { throw fail() }
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\"") { break }
                guard byte >= 0x20 else { throw fail() }
                guard byte == UInt8(ascii: "\\") else {
                    scalars.append(byte)
                    continue
                }
                guard position < bytes.count else { throw fail() }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                       bytes[position + 1] == UInt8(ascii: "u") {
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail() }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail() }
                    scalars += Array(String(Character(scalar)).utf8)
                default:
                    throw fail()
                }
            }
            guard let text = String(validating: scalars, as: UTF8.self) else { throw fail() }
            return text
        }

        mutating func hex4() throws -> UInt32 {
            guard position + 4 <= bytes.count else { throw fail() }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail()
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }

        /// A number: an integer that fits is an `Int`; anything else a `Double` (rendered without a fraction when it has
        /// none, so `1.0`, `1.00` and `1e0` agree).
        mutating func number() throws -> JSONValue {
            let start = position
            if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
            var integral = true
            var digits = 0
            while position < bytes.count {
                let byte = bytes[position]
                if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                    digits += 1
                } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                            || ((byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")) && !integral) {
                    integral = false
                } else {
                    break
                }
                position += 1
            }
            guard digits > 0 else { throw fail() }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            if integral, let value = Int(text) { return .int(value) }
            if let value = Double(text), value.isFinite { return .double(value) }
            throw InvalidJSON(offset: start)
        }
    }
}
