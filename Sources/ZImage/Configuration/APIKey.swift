/// A DashScope API key. Printing, interpolating, dumping or reflecting it shows `<redacted>`, never the key, so it cannot
/// reach a log line or an error message by accident; only ``value`` gives the key itself, for the Authorization header.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key itself. Use it for the Authorization header and for redaction, nowhere else.
    public let value: String

    /// Wraps a key.
    public init(_ value: String) {
        self.value = value
    }

    /// The Authorization header value, `Bearer <key>`.
    package var bearer: String { "Bearer \(value)" }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `APIKey(<redacted>)`.
    public var debugDescription: String { "APIKey(<redacted>)" }
    /// No children, so `dump` and reflection show nothing of the key.
    public var customMirror: Mirror { Mirror(self, children: []) }
}
