/// A failure to get a complete HTTP response: the request may not have reached the server, or its answer was cut off.
///
/// Transports throw it; ``ZImageClient`` wraps it in ``ZImageError/transport(_:)``. Its ``description`` says what happened
/// in words, with the underlying library's code and message in ``detail``.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as far as a caller needs to act on it.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Nothing listens on the host and port (or a firewall refused the connection).
        case connectionRefused = "connection_refused"
        /// The host name could not be resolved.
        case dnsFailure = "dns_failure"
        /// No connection could be opened in time, or the response did not arrive in time.
        case timeout
        /// The TLS handshake or certificate verification failed.
        case tls
        /// The connection was closed or reset before the response was complete.
        case connectionReset = "connection_reset"
        /// The response was larger than the transport's size cap.
        case responseTooLarge = "response_too_large"
        /// A redirect the transport refuses to follow (non-GET, or from https to http).
        case redirectRefused = "redirect_refused"
        /// The request itself could not be formed (a URL the transport cannot use).
        case invalidRequest = "invalid_request"
        /// A replaying transport has no recorded answer for the request.
        case noRecordedResponse = "no_recorded_response"
        /// Anything else.
        case other
    }

    /// What went wrong.
    public var kind: Kind
    /// A sentence saying what happened, for a person.
    public var message: String
    /// The underlying library's own code and text (for example `libcurl error 7: Failed to connect`), when there is one.
    public var detail: String?

    /// Creates a transport error.
    public init(_ kind: Kind, _ message: String, detail: String? = nil) {
        self.kind = kind
        self.message = message
        self.detail = detail
    }

    /// Whether the request can be sent again safely: the connection failed before any answer could have been produced.
    ///
    /// A timeout is not among them: a generation that timed out may still complete, and be billed, on the server.
    public var isConnectionFailure: Bool {
        switch kind {
        case .connectionRefused, .dnsFailure, .connectionReset: true
        default: false
        }
    }

    public var description: String {
        detail.map { "\(message) (\($0))" } ?? message
    }
}
