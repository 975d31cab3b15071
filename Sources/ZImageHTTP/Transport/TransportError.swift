public import Foundation

/// A failure to get a complete HTTP response: the request may not have reached the server, or its answer was cut off.
///
/// Transports throw it; the client core wraps it in a `ZImageError` of code `transport`. Its
/// ``description`` says what happened in words, with the underlying library's code and message in ``detail``; whatever
/// structured cause the transport has (a cassette miss, say) stays in ``underlying``.
public struct TransportError: WrappingError, LocalizedError, CustomStringConvertible {
    /// What went wrong, as far as a caller needs to act on it. New kinds may be added; compare with the static members.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// Nothing listens on the host and port (or a firewall refused the connection).
        public static let connectionRefused = Kind("connection_refused")
        /// The host name could not be resolved.
        public static let dnsFailure = Kind("dns_failure")
        /// No connection could be opened in time, or the response did not arrive in time.
        public static let timeout = Kind("timeout")
        /// The TLS handshake or certificate verification failed.
        public static let tls = Kind("tls")
        /// The connection was closed or reset before the response was complete.
        public static let connectionReset = Kind("connection_reset")
        /// The response was larger than the transport's size cap.
        public static let responseTooLarge = Kind("response_too_large")
        /// A redirect the transport refuses to follow (non-GET, or from https to http).
        public static let redirectRefused = Kind("redirect_refused")
        /// The request itself could not be formed (a URL the transport cannot use).
        public static let invalidRequest = Kind("invalid_request")
        /// The transport has no answer for this request, by its own rules (a replaying transport whose cassette has none:
        /// the reason is in ``TransportError/underlying``).
        public static let unanswered = Kind("unanswered")
        /// Anything else.
        public static let other = Kind("other")

        /// The kind's name in snake case.
        public var description: String { name }
    }

    /// What went wrong.
    public var kind: Kind
    /// A sentence saying what happened, for a person.
    public var message: String
    /// The underlying library's own code and text (for example `libcurl error 7: Failed to connect`), when there is one.
    public var detail: String?
    /// The structured cause, when the transport has one (a replaying transport keeps its cassette miss here).
    public var underlying: (any Error)?

    /// Creates a transport error.
    public init(_ kind: Kind, _ message: String, detail: String? = nil, underlying: (any Error)? = nil) {
        self.kind = kind
        self.message = message
        self.detail = detail
        self.underlying = underlying
    }

    /// Whether the request can be sent again safely: the connection failed before any answer could have been produced.
    ///
    /// A timeout is not among them: a generation that timed out may still complete, and be billed, on the server.
    public var isConnectionFailure: Bool {
        [.connectionRefused, .dnsFailure, .connectionReset].contains(kind)
    }

    /// The message, with the library's own code and text in parentheses when there is one.
    public var description: String {
        detail.map { "\(message) (\($0))" } ?? message
    }

    /// ``description``: an app showing `localizedDescription` gets this sentence, not Foundation's generic text.
    public var errorDescription: String? { description }
}

/// The failures a transport reports in the same words whichever transport it is (libcurl's, the in-process
/// simulation's), so that a test cannot tell them apart. `target` names where the request went (``target(of:)``).
extension TransportError {
    /// `host:port` of `url` as errors name it, the port only when the URL gives one; `the server` when it has no host.
    package static func target(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "the server" }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    /// The connection closed or reset before the whole response.
    package static func connectionClosed(_ target: String, detail: String?) -> Self {
        Self(
            .connectionReset, "the connection to \(target) was closed before the response was complete", detail: detail)
    }

    /// No answer within the timeout.
    package static func timedOut(_ target: String, detail: String?) -> Self {
        Self(.timeout, "\(target) did not answer in time", detail: detail)
    }

    /// A response over the size cap.
    package static func tooLarge(_ target: String, limit: Int, detail: String?) -> Self {
        Self(.responseTooLarge, "the response from \(target) is larger than the \(limit)-byte limit", detail: detail)
    }

    /// More redirects than the transport follows.
    package static func tooManyRedirects(_ target: String, detail: String?) -> Self {
        Self(.redirectRefused, "\(target) redirected too many times", detail: detail)
    }

    /// A redirect to a scheme the transport does not follow (`scheme` lowercased; `another` when unknown).
    package static func redirectRefused(_ target: String, toScheme scheme: String, detail: String?) -> Self {
        let refused =
            ["http", "https"].contains(scheme)
            ? "an \(scheme) URL, and a redirect never goes from https to http"
            : "a \(scheme): URL, and only http and https redirects are followed"
        return Self(.redirectRefused, "\(target) redirected to \(refused)", detail: detail)
    }

    /// A redirect answered to a method other than GET, which is never followed.
    package static func redirectNotFollowed(method: String, url: String, status: Int, location: String) -> Self {
        Self(
            .redirectRefused,
            "the server answered \(method) \(url) with HTTP \(status), a redirect to \(location); redirects are "
                + "followed only for GET: use the new URL directly")
    }
}
