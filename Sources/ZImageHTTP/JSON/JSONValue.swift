package import Foundation

/// Any JSON value, so a cassette stores JSON bodies as JSON (readable, diffable) rather than as escaped strings.
package enum JSONValue: Sendable, Hashable, Codable {
    /// JSON's `null`, kept apart from a missing key.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number without fraction or exponent that fits in an `Int`.
    case int(Int)
    /// A number without fraction or exponent beyond `Int`'s range, kept as its digits (with a leading `-` when negative)
    /// so that it is stored and compared exactly, never rounded through a `Double`.
    case bigInteger(String)
    /// Any other number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; key order is not kept (canonical output sorts keys).
    case object([String: JSONValue])

    /// Parses JSON bytes; `nil` when they are not JSON.
    package init?(parsing data: Data) {
        guard let value = try? CanonicalJSON.parse(data) else { return nil }
        self = value
    }

    /// Decodes any JSON value through a `Decoder` (slower than ``init(parsing:)``; for `Codable` types that hold JSON).
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as the JSON it is.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bigInteger(let digits): try container.encode(Decimal(string: digits) ?? 0)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact JSON with sorted keys: the canonical spelling of ``CanonicalJSON``.
    package var data: Data {
        var output = [UInt8]()
        CanonicalJSON.render(self, into: &output)
        return Data(output)
    }

    /// One place where two JSON values differ.
    package struct Difference: Sendable, Hashable, CustomStringConvertible {
        /// Where: `parameters.seed`, `input.messages[0].content`, or `(the whole body)`.
        package var path: String
        /// The first value there, shortened (``summary``), or `(absent)`.
        package var left: String
        /// The second value there, shortened, or `(absent)`.
        package var right: String

        /// `path: left -> right`.
        package var description: String { "\(path): \(left) -> \(right)" }
    }

    /// Where two values differ, with paths like `parameters.seed` or `input.messages[0]`; at most `limit` differences.
    package func differences(from other: JSONValue, path: String = "", limit: Int = 8) -> [Difference] {
        var found: [Difference] = []
        func visit(_ left: JSONValue?, _ right: JSONValue?, _ path: String) {
            guard found.count < limit, left != right else { return }
            switch (left, right) {
            case (.object(let a)?, .object(let b)?):
                for key in Set(a.keys).union(b.keys).sorted() {
                    visit(a[key], b[key], path.isEmpty ? key : "\(path).\(key)")
                }
            case (.array(let a)?, .array(let b)?) where a.count == b.count:
                for index in a.indices { visit(a[index], b[index], "\(path)[\(index)]") }
            default:
                found.append(
                    Difference(
                        path: path.isEmpty ? "(the whole body)" : path, left: left?.summary ?? "(absent)",
                        right: right?.summary ?? "(absent)"))
            }
        }
        visit(self, other, path)
        return found
    }

    /// Indented JSON with sorted keys, as cassette files spell it: two spaces an indent level, `"key" : value`, the bytes
    /// `JSONEncoder` writes with sorted keys and pretty printing, except that no number is rounded.
    package var prettyData: Data {
        var output = [UInt8]()
        CanonicalJSON.renderPretty(self, into: &output)
        return Data(output)
    }

    /// A short rendering for messages.
    package var summary: String {
        let text = String(decoding: data, as: UTF8.self)
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }
}
