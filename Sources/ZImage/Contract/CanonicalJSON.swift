import Foundation

/// JSON in one canonical spelling (object keys sorted, no insignificant white space, strings and numbers re-spelt the same
/// way), so two documents can be compared by bytes: key order and white space never make a difference.
///
/// A strict byte-level parser of its own (RFC 8259), because this runs on every replayed request and Foundation's
/// `JSONSerialization` spends tens of microseconds on a 200-byte body on Linux.
public enum CanonicalJSON {
    /// Why bytes are not JSON.
    public struct InvalidJSON: Error, Sendable, CustomStringConvertible {
        /// The byte offset where reading stopped.
        public var offset: Int
        public var description: String { "not valid JSON at byte \(offset)" }
    }

    /// The canonical bytes of a JSON document.
    ///
    /// - Throws: ``InvalidJSON`` when `data` is not one JSON value (surrounding white space allowed).
    public static func normalize(_ data: Data) throws -> Data {
        try data.withUnsafeBytes { buffer in
            var parser = Parser(bytes: buffer.bindMemory(to: UInt8.self))
            var output = [UInt8]()
            output.reserveCapacity(buffer.count)
            parser.skipSpace()
            try parser.value(into: &output)
            parser.skipSpace()
            guard parser.position == parser.bytes.count else { throw InvalidJSON(offset: parser.position) }
            return Data(output)
        }
    }

    /// Whether two JSON documents are equal once normalized; `false` when either is not JSON.
    public static func equal(_ left: Data, _ right: Data) -> Bool {
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

        mutating func expect(_ literal: StaticString, into output: inout [UInt8]) throws {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw fail() }
            for index in 0..<count where bytes[position + index] != literal.utf8Start[index] { throw fail() }
            output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: count))
            position += count
        }

        mutating func value(into output: inout [UInt8]) throws {
            guard position < bytes.count else { throw fail() }
            switch bytes[position] {
            case UInt8(ascii: "{"): try object(into: &output)
            case UInt8(ascii: "["): try array(into: &output)
            case UInt8(ascii: "\""): try string(into: &output)
            case UInt8(ascii: "t"): try expect("true", into: &output)
            case UInt8(ascii: "f"): try expect("false", into: &output)
            case UInt8(ascii: "n"): try expect("null", into: &output)
            default: try number(into: &output)
            }
        }

        mutating func object(into output: inout [UInt8]) throws {
            depth += 1
            guard depth < 512 else { throw fail() }
            position += 1
            var members: [(key: [UInt8], value: [UInt8])] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
            } else {
                while true {
                    skipSpace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail() }
                    var key = [UInt8]()
                    try string(into: &key)
                    skipSpace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail() }
                    position += 1
                    skipSpace()
                    var member = [UInt8]()
                    try value(into: &member)
                    members.append((key, member))
                    skipSpace()
                    guard position < bytes.count else { throw fail() }
                    if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                    guard bytes[position] == UInt8(ascii: "}") else { throw fail() }
                    position += 1
                    break
                }
            }
            // Keys in their canonical spelling compare byte-wise: one order, whatever the input's.
            members.sort { $0.key.lexicographicallyPrecedes($1.key) }
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output += member.key
                output.append(UInt8(ascii: ":"))
                output += member.value
            }
            output.append(UInt8(ascii: "}"))
            depth -= 1
        }

        mutating func array(into output: inout [UInt8]) throws {
            depth += 1
            guard depth < 512 else { throw fail() }
            position += 1
            output.append(UInt8(ascii: "["))
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
            } else {
                var first = true
                while true {
                    if !first { output.append(UInt8(ascii: ",")) }
                    first = false
                    skipSpace()
                    try value(into: &output)
                    skipSpace()
                    guard position < bytes.count else { throw fail() }
                    if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                    guard bytes[position] == UInt8(ascii: "]") else { throw fail() }
                    position += 1
                    break
                }
            }
            output.append(UInt8(ascii: "]"))
            depth -= 1
        }

        /// A string, re-spelt: escapes decoded, then only `"`, `\` and control characters escaped (one spelling each).
        mutating func string(into output: inout [UInt8]) throws {
            position += 1
            var scalars = [UInt8]()
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
            guard String(validating: scalars, as: UTF8.self) != nil else { throw fail() }
            output.append(UInt8(ascii: "\""))
            for byte in scalars {
                switch byte {
                case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case ..<0x20: output += Array(String(format: "\\u%04x", byte).utf8)
                default: output.append(byte)
                }
            }
            output.append(UInt8(ascii: "\""))
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

        /// A number: integers are kept as written (without a leading `-0` quirk); others are re-spelt through Double, so
        /// `1.0`, `1.00` and `1e0` agree.
        mutating func number(into output: inout [UInt8]) throws {
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
            if integral, let value = Int(text) {
                output += Array(String(value).utf8)
            } else if let value = Double(text), value.isFinite {
                output += Array((value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)).utf8)
            } else {
                throw InvalidJSON(offset: start)
            }
        }
    }
}
