import Foundation

/// JSON in one canonical spelling (sorted keys, no insignificant white space), so two documents can be compared by bytes:
/// key order and white space never make a difference.
public enum CanonicalJSON {
    /// The canonical bytes of a JSON document.
    ///
    /// - Throws: when `data` is not JSON.
    public static func normalize(_ data: Data) throws -> Data {
        let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
    }

    /// Whether two JSON documents are equal once normalized; `false` when either is not JSON.
    public static func equal(_ left: Data, _ right: Data) -> Bool {
        guard let left = try? normalize(left), let right = try? normalize(right) else { return false }
        return left == right
    }
}
