package import ZImage
import ZImageContract

/// How a live answer's shape differs from a recorded one: fields added, missing, or of another JSON type. Values are not
/// compared (ids, URLs and token counts change on every call); arrays are compared by the shape of their elements.
package struct ShapeDrift: Sendable, Hashable, Codable {
    /// Paths present live, absent from the recording.
    package var added: [String]
    /// Paths recorded, absent live.
    package var missing: [String]
    /// Paths whose JSON type changed: `path: recorded type -> live type`.
    package var changedType: [String]

    /// Whether the shapes are the same.
    package var isEmpty: Bool { added.isEmpty && missing.isEmpty && changedType.isEmpty }

    /// Compares the shape of `live` with that of `recorded`.
    package init(recorded: JSONValue, live: JSONValue) {
        let old = Self.shape(of: recorded)
        let new = Self.shape(of: live)
        added = new.keys.filter { old[$0] == nil }.sorted()
        missing = old.keys.filter { new[$0] == nil }.sorted()
        changedType = old.keys.compactMap { path in
            guard let before = old[path], let after = new[path], before != after else { return nil }
            return "\(path): \(before) -> \(after)"
        }.sorted()
    }

    enum CodingKeys: String, CodingKey {
        case added, missing
        case changedType = "changed_type"
    }

    /// Every path of a JSON value with its type; array elements share the path `name[]`.
    static func shape(of value: JSONValue, at path: String = "", into shape: inout [String: String]) {
        let type: String
        switch value {
        case .null: type = "null"
        case .bool: type = "bool"
        case .int, .bigInteger, .double: type = "number"
        case .string: type = "string"
        case .array(let items):
            type = "array"
            for item in items { Self.shape(of: item, at: path + "[]", into: &shape) }
        case .object(let members):
            type = "object"
            for (key, member) in members {
                Self.shape(of: member, at: path.isEmpty ? key : "\(path).\(key)", into: &shape)
            }
        }
        if !path.isEmpty { shape[path] = type }
    }

    static func shape(of value: JSONValue) -> [String: String] {
        var shape: [String: String] = [:]
        Self.shape(of: value, into: &shape)
        return shape
    }
}
