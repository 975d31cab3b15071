import Foundation

/// Every failure the client reports.
///
/// A struct over a private code, as async-http-client's `HTTPClientError` is, so that kinds of failure can be added without
/// breaking anyone. Compare codes with the static members of ``Code``:
/// ```swift
/// do {
///     let result = try await client.generate(request)
/// } catch ZImageError.Code.apiError {                      // any error of that code
///     …
/// } catch let error as ZImageError where error.code == .transport {
///     print(error.transportFailure?.kind ?? "")
/// }
/// ```
/// Each code has its details in a typed property (``apiFailure``, ``invalidRequest``, …); ``underlying`` keeps the cause
/// (a `TransportError`, and below it whatever the transport kept, such as a cassette miss). ``description`` is a
/// sentence a person can act on; it never contains the API key, and an image URL appears in it without its signed query.
public struct ZImageError: WrappingError, CustomStringConvertible {
    /// What kind of failure it is. New codes may be added; compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidRequest = "invalid_request"
            case missingCredentials = "missing_credentials"
            case apiError = "api_error"
            case transport
            case undecodableResponse = "undecodable_response"
            case download
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The request breaks a rule of the contract; nothing was sent.
        public static let invalidRequest = Code(.invalidRequest)
        /// No API key was found in the environment or the credentials file; nothing was sent.
        public static let missingCredentials = Code(.missingCredentials)
        /// DashScope answered with an error.
        public static let apiError = Code(.apiError)
        /// No complete HTTP response arrived.
        public static let transport = Code(.transport)
        /// A response arrived but does not have the contract's shape.
        public static let undecodableResponse = Code(.undecodableResponse)
        /// The generated image could not be fetched, checked or written.
        public static let download = Code(.download)

        /// The code's name in snake case, as evidence files and reports spell it.
        public var description: String { base.rawValue }

        /// Whether `error` is a ``ZImageError`` with this code: `catch ZImageError.Code.apiError { … }`.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? ZImageError)?.code == code
        }
    }

    /// The details of each code; private, so that a code can be added without breaking a `switch`.
    private enum Detail: Sendable {
        case invalidRequest(InvalidRequest)
        case missingCredentials(MissingCredentials)
        case api(APIFailure)
        case transport(TransportError)
        case undecodableResponse(UndecodableResponse)
        case download(DownloadFailure)
    }

    private var detail: Detail
    /// The error this one was made from, when there was one: the transport's `TransportError` for ``Code/transport``
    /// and for a download that failed in the transport.
    public var underlying: (any Error)?

    private init(_ detail: Detail, underlying: (any Error)? = nil) {
        self.detail = detail
        self.underlying = underlying
    }

    /// The request breaks a rule of the contract.
    package static func invalidRequest(_ failure: InvalidRequest) -> ZImageError {
        ZImageError(.invalidRequest(failure))
    }
    /// No API key was found.
    static func missingCredentials(_ failure: MissingCredentials) -> ZImageError {
        ZImageError(.missingCredentials(failure))
    }
    /// DashScope answered with an error.
    package static func api(_ failure: APIFailure) -> ZImageError { ZImageError(.api(failure)) }
    /// No complete HTTP response arrived; `failure` is also the ``underlying`` error.
    package static func transport(_ failure: TransportError) -> ZImageError {
        ZImageError(.transport(failure), underlying: failure)
    }
    /// A response without the contract's shape.
    static func undecodableResponse(_ failure: UndecodableResponse) -> ZImageError {
        ZImageError(.undecodableResponse(failure))
    }
    /// The image could not be fetched, checked or written; `underlying` is the transport's error when it failed there.
    package static func download(_ failure: DownloadFailure, underlying: (any Error)? = nil) -> ZImageError {
        ZImageError(.download(failure), underlying: underlying)
    }

    /// What kind of failure it is.
    public var code: Code {
        switch detail {
        case .invalidRequest: .invalidRequest
        case .missingCredentials: .missingCredentials
        case .api: .apiError
        case .transport: .transport
        case .undecodableResponse: .undecodableResponse
        case .download: .download
        }
    }

    /// The field and rule, for ``Code/invalidRequest``.
    public var invalidRequest: InvalidRequest? {
        if case .invalidRequest(let failure) = detail { failure } else { nil }
    }

    /// Where the key was looked for, for ``Code/missingCredentials``.
    public var missingCredentials: MissingCredentials? {
        if case .missingCredentials(let failure) = detail { failure } else { nil }
    }

    /// The status, code, message and request id, for ``Code/apiError``.
    public var apiFailure: APIFailure? {
        if case .api(let failure) = detail { failure } else { nil }
    }

    /// The transport's failure, for ``Code/transport``.
    public var transportFailure: TransportError? {
        if case .transport(let failure) = detail { failure } else { nil }
    }

    /// The status and body excerpt, for ``Code/undecodableResponse``.
    public var undecodableResponse: UndecodableResponse? {
        if case .undecodableResponse(let failure) = detail { failure } else { nil }
    }

    /// The image location and reason, for ``Code/download``.
    public var downloadFailure: DownloadFailure? {
        if case .download(let failure) = detail { failure } else { nil }
    }

    /// Whether the policy may try again: a retryable API status, a failed connection, a retryable download failure.
    var isRetryable: Bool {
        switch detail {
        case .api(let failure): failure.isRetryable
        case .transport(let failure): failure.isConnectionFailure
        case .download(let failure): failure.isRetryable
        case .invalidRequest, .missingCredentials, .undecodableResponse: false
        }
    }

    /// One sentence a person can act on; never the key, never a signed query.
    public var description: String {
        switch detail {
        case .invalidRequest(let failure): failure.description
        case .missingCredentials(let failure): failure.description
        case .api(let failure): failure.description
        case .transport(let failure) where failure.kind == .unanswered: failure.description
        case .transport(let failure): "The request could not be completed: \(failure.description)."
        case .undecodableResponse(let failure): failure.description
        case .download(let failure): failure.description
        }
    }

    /// The process exit code the command-line tools use for this error: 2 invalid input, 3 missing credentials,
    /// 1 for API, network and download failures.
    package var exitCode: Int32 {
        switch detail {
        case .invalidRequest: 2
        case .missingCredentials: 3
        case .api, .transport, .undecodableResponse, .download: 1
        }
    }

    /// The same error with every occurrence of `secret` in its texts replaced by `<redacted>`: a server that echoes the key
    /// in a message or a body must not put it into an error a person reads or a log keeps.
    func redacting(_ secret: String) -> ZImageError {
        guard secret.count >= 8 else { return self }
        func clean(_ text: String) -> String { text.replacingOccurrences(of: secret, with: "<redacted>") }
        var copy = self
        switch detail {
        case .invalidRequest(var failure):
            failure.problem = clean(failure.problem)
            copy.detail = .invalidRequest(failure)
        case .missingCredentials:
            break
        case .api(var failure):
            failure.message = failure.message.map(clean)
            failure.code = failure.code.map(clean)
            copy.detail = .api(failure)
        case .transport(var failure):
            failure.message = clean(failure.message)
            failure.detail = failure.detail.map(clean)
            copy.detail = .transport(failure)
            copy.underlying = failure
        case .undecodableResponse(var failure):
            failure.bodyExcerpt = clean(failure.bodyExcerpt)
            copy.detail = .undecodableResponse(failure)
        case .download(var failure):
            failure.reason = clean(failure.reason)
            copy.detail = .download(failure)
        }
        return copy
    }
}
