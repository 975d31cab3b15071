import Foundation

/// A JSON value that keeps its keys in the order written, so the simulator can answer with each region's documented key
/// order (JSONSerialization and JSONEncoder do not keep it).
enum OrderedJSON {
    case object([(String, OrderedJSON)])
    case array([OrderedJSON])
    case string(String)
    case int(Int)
    case bool(Bool)

    var data: Data { Data(text.utf8) }

    /// The value without the member at `path` (object keys, outermost first).
    func removing(_ path: [String]) -> OrderedJSON {
        guard case .object(let members) = self, let first = path.first else { return self }
        if path.count == 1 { return .object(members.filter { $0.0 != first }) }
        return .object(members.map { $0.0 == first ? ($0.0, $0.1.removing(Array(path.dropFirst()))) : $0 })
    }

    var text: String {
        switch self {
        case .object(let members):
            "{" + members.map { "\(Self.quote($0.0)):\($0.1.text)" }.joined(separator: ",") + "}"
        case .array(let items):
            "[" + items.map(\.text).joined(separator: ",") + "]"
        case .string(let value):
            Self.quote(value)
        case .int(let value):
            String(value)
        case .bool(let value):
            value ? "true" : "false"
        }
    }

    private static func quote(_ string: String) -> String {
        // JSONSerialization escapes a lone string correctly; it accepts fragments.
        let data =
            (try? JSONSerialization.data(withJSONObject: string, options: [.fragmentsAllowed, .withoutEscapingSlashes]))
            ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
