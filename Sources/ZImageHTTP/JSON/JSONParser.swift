/// The byte-level parser behind ``CanonicalJSON/parse(_:)``: RFC 8259, strictly.
///
/// What it does with the documents RFC 8259 leaves to implementations (JSONTestSuite's `i_` files):
/// - numbers: an integer beyond 64 bits keeps its digits (``JSONValue/bigInteger(_:)``); a number with a fraction or an
///   exponent that underflows becomes 0 (`123.456e-789`); one that overflows a `Double` (`1e400`, `-1e400`) is refused;
/// - strings: a lone or reversed UTF-16 surrogate escape (`"\uDADA"`, `"\uDd1e\uD834"`) is refused, since it is no
///   Unicode scalar; bytes that are not UTF-8 (invalid sequences, overlong forms, UTF-16 or UTF-32 text) are refused;
/// - structure: a byte-order mark before the value is refused (RFC 8259 §8.1: not to be added, may be ignored; we do
///   not); nesting deeper than 511 arrays or objects is refused, so a hostile body cannot exhaust the stack;
/// - duplicate object keys are accepted, the last one winning, as in Foundation's parsers, unless the caller asks for
///   them to be refused (cassettes do).
extension CanonicalJSON {
    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let rejectingDuplicateKeys: Bool
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
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
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
                    let keyOffset = position
                    let key = try string()
                    if rejectingDuplicateKeys, members[key] != nil {
                        throw InvalidJSON(
                            offset: keyOffset, reason: "the key \"\(untrusted: key)\" appears twice in one object")
                    }
                    skipSpace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail() }
                    position += 1
                    skipSpace()
                    members[key] = try value()
                    skipSpace()
                    guard position < bytes.count else { throw fail() }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                        continue
                    }
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
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                        continue
                    }
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
                bytes[position] >= 0x20
            {
                position += 1
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                defer { position += 1 }
                guard
                    let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                else {
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
                    if (0xD800..<0xDC00).contains(code), position + 1 < bytes.count,
                        bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    {
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

        /// A number, read by RFC 8259's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. An integer that
        /// fits is an `Int`; a longer one keeps its digits exactly (``JSONValue/bigInteger(_:)``); anything with a fraction
        /// or an exponent is a `Double`, unless its value is a whole number below 2⁵³ (then it is that `Int`), and one
        /// beyond the `Double` range (`1e400`) is refused rather than turned into infinity.
        mutating func number() throws -> JSONValue {
            let start = position
            func digits() -> Int {
                let first = position
                while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                    position += 1
                }
                return position - first
            }
            func next(_ byte: UInt8) -> Bool {
                guard position < bytes.count, bytes[position] == byte else { return false }
                position += 1
                return true
            }
            _ = next(UInt8(ascii: "-"))
            let integerStart = position
            guard digits() > 0 else { throw fail() }
            if bytes[integerStart] == UInt8(ascii: "0") && position - integerStart > 1 {
                throw InvalidJSON(offset: integerStart)
            }
            var integral = true
            if next(UInt8(ascii: ".")) {
                integral = false
                guard digits() > 0 else { throw fail() }
            }
            if next(UInt8(ascii: "e")) || next(UInt8(ascii: "E")) {
                integral = false
                if !next(UInt8(ascii: "+")) { _ = next(UInt8(ascii: "-")) }
                guard digits() > 0 else { throw fail() }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            if integral {
                if let value = Int(text) { return .int(value) }
                return .bigInteger(text)
            }
            guard let value = Double(text), value.isFinite else { throw InvalidJSON(offset: start) }
            // `1.0`, `1e0` and `10E-1` are the number 1: one value, so that equal numbers compare equal and canonical
            // bytes read back the same value (the JSON fuzzer found `0E0` otherwise parsed to two different values).
            if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return .int(Int(value)) }
            return .double(value)
        }
    }
}
