import ZImage
import ZImageContract

/// A YAML document tree with its keys in the order written, and the block-style text of it: what ``OpenAPIDocument``
/// is built from.
///
/// Our own rather than Yams (on the mirror): it only writes, and only the five kinds of node an OpenAPI document needs,
/// so it is one small function; Yams would build libyaml into every package that imports ZImageContract. What it writes
/// is read back by PyYAML (schemathesis, openapi-spec-validator) in CI, and by a round-trip test.
indirect enum YAMLNode: Sendable, Hashable {
    case null
    case string(String)
    /// A number as JSON wrote it (a fraction, or an integer beyond `Int`), written unquoted.
    case number(String)
    case int(Int)
    case bool(Bool)
    case list([YAMLNode])
    case members([Member])

    /// One key and its value.
    struct Member: Sendable, Hashable {
        var key: String
        var value: YAMLNode
    }

    /// A map from `members`, in their order.
    static func map(_ members: KeyValuePairs<String, YAMLNode>) -> YAMLNode {
        .members(members.map { Member(key: $0.key, value: $0.value) })
    }

    /// A map from `members` (an ordered list of pairs built at run time).
    static func map(_ members: [(String, YAMLNode)]) -> YAMLNode {
        .members(members.map { Member(key: $0.0, value: $0.1) })
    }

    /// `value`, with objects' keys sorted (JSON keeps no order).
    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let bool): self = .bool(bool)
        case .int(let int): self = .int(int)
        case .bigInteger(let digits): self = .number(digits)
        case .double(let double): self = .number("\(double)")
        case .string(let string): self = .string(string)
        case .array(let items): self = .list(items.map(YAMLNode.init))
        case .object(let members): self = .map(members.sorted { $0.key < $1.key }.map { ($0.key, YAMLNode($0.value)) })
        }
    }

    /// The node as a YAML 1.2 document in block style, ending with a line break.
    var text: String {
        var lines: [String] = []
        write(into: &lines, indent: "")
        return lines.joined(separator: "\n") + "\n"
    }

    private func write(into lines: inout [String], indent: String) {
        switch self {
        case .members(let members) where !members.isEmpty:
            for member in members {
                let key = Self.key(member.key)
                if let inline = member.value.inline {
                    lines.append("\(indent)\(key): \(inline)")
                } else if case .string(let text) = member.value {
                    lines.append("\(indent)\(key): |-")
                    lines += text.split(separator: "\n", omittingEmptySubsequences: false).map {
                        $0.isEmpty ? "" : "\(indent)  \($0)"
                    }
                } else {
                    lines.append("\(indent)\(key):")
                    member.value.write(into: &lines, indent: indent + "  ")
                }
            }
        case .list(let items) where !items.isEmpty:
            for item in items {
                if let inline = item.inline {
                    lines.append("\(indent)- \(inline)")
                } else {
                    // The item's first line goes after the dash; the rest stay indented under it.
                    var nested: [String] = []
                    item.write(into: &nested, indent: indent + "  ")
                    lines.append("\(indent)- " + nested[0].dropFirst(indent.count + 2))
                    lines += nested.dropFirst()
                }
            }
        default:
            lines.append(indent + (inline ?? ""))
        }
    }

    /// The node on one line, or `nil` when it takes lines of its own (a non-empty list or map, a multi-line string).
    private var inline: String? {
        switch self {
        case .null: "null"
        case .string(let text): Self.literalBlockFits(text) ? nil : Self.isPlain(text) ? text : Self.quoted(text)
        case .int(let int): String(int)
        case .number(let text): text
        case .bool(let bool): bool ? "true" : "false"
        case .list(let items): items.isEmpty ? "[]" : nil
        case .members(let members): members.isEmpty ? "{}" : nil
        }
    }

    /// Whether `text` reads best as a literal block (`|-`): several lines, each printable, none starting with a space
    /// (a block's indentation is read from its first line), no trailing line break.
    private static func literalBlockFits(_ text: String) -> Bool {
        text.contains("\n") && !text.hasSuffix("\n") && !text.hasPrefix(" ")
            && text.unicodeScalars.allSatisfy { $0 == "\n" || !needsEscape($0) }
    }

    /// Whether `text` can stand unquoted and still read back as the same string: letters, digits, spaces and `_./-`,
    /// starting with a letter, not ending with a space, and none of the words YAML 1.1 reads as a boolean or null.
    private static func isPlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic, text.last != " "
        else { return false }
        let keywords: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null"]
        return !keywords.contains(text.lowercased())
            && text.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789 _./-".unicodeScalars.contains($0))
            }
    }

    /// A key plain when it is a name (`operationId`, `/api/v1/models`), quoted otherwise (`"200"` stays a string).
    private static func key(_ key: String) -> String {
        let plain =
            key.first.map { $0.isLetter || $0 == "/" } ?? false
            && key.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789/_.-{}".unicodeScalars.contains($0))
            }
        return plain ? key : quoted(key)
    }

    /// `text` as a double-quoted YAML scalar: JSON's escapes, which YAML's double-quoted style reads the same way.
    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case _ where needsEscape(scalar):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Control characters, YAML's extra line breaks (U+0085, U+2028, U+2029) and the byte-order mark.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || [0x2028, 0x2029, 0xFEFF].contains(scalar.value)
    }
}
