import CCurlShims
public import Foundation
public import HTTPTypes
public import ZImageHTTP

/// The live transport: HTTP over libcurl.
///
/// - Connections are reused across calls (one multi handle and its connection cache), HTTP/2 is used over TLS where the
///   server offers it, and concurrent calls run side by side.
/// - Connect, total and low-speed timeouts; TLS verification always on, with the system's CA store or a CA file given instead, never "insecure".
/// - Redirects are followed only for GET, at most ``Configuration/maxRedirects``, and never from https to http; a redirected
///   POST is an error that names the new location.
/// - A response larger than ``Configuration/maxResponseBytes`` is an error, and no more of it is kept.
/// - Proxies come from the environment (`https_proxy`, `HTTPS_PROXY`, `http_proxy`, `ALL_PROXY`, `NO_PROXY`), except that
///   loopback addresses are never proxied.
/// - Cancelling the calling task ends its transfer at once with `CancellationError`.
/// - libcurl runs on a thread of its own (see `CurlEngine`), never on Swift's cooperative thread pool.
public final class CurlTransport: Transport, MeasuringTransport {
    /// How the transport behaves; the defaults suit a generation that takes tens of seconds.
    public struct Configuration: Sendable {
        /// The longest time to open a connection (TCP and TLS).
        public var connectTimeout: Duration
        /// The longest time for a whole exchange. The official SDKs use 300 s.
        public var totalTimeout: Duration
        /// A transfer slower than this many bytes a second for ``lowSpeedTime`` is abandoned.
        public var lowSpeedLimit: Int
        /// See ``lowSpeedLimit``; whole seconds, at least one. The wait for a generation's first byte counts too, so this
        /// must exceed the longest generation.
        public var lowSpeedTime: Duration
        /// The largest response body kept; a larger one is an error.
        public var maxResponseBytes: Int
        /// The most redirects a GET follows.
        public var maxRedirects: Int
        /// A PEM file of the CA certificates to trust instead of the system's (a private CA, a rehearsal), or `nil` for the system's.
        public var caFile: String?
        /// The User-Agent header.
        public var userAgent: String
        /// Connections for these hosts go elsewhere, URL and TLS name unchanged (rehearsals and tests; see ``ConnectRoute``).
        /// A route to loopback is never proxied.
        public var connectTo: [ConnectRoute]

        /// Creates a configuration.
        public init(
            connectTimeout: Duration = .seconds(20),
            totalTimeout: Duration = .seconds(300),
            lowSpeedLimit: Int = 1,
            lowSpeedTime: Duration = .seconds(180),
            maxResponseBytes: Int = 64 << 20,
            maxRedirects: Int = 5,
            caFile: String? = nil,
            userAgent: String = LibCurl.userAgent,
            connectTo: [ConnectRoute] = []
        ) {
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.lowSpeedLimit = lowSpeedLimit
            self.lowSpeedTime = lowSpeedTime
            self.maxResponseBytes = maxResponseBytes
            self.maxRedirects = maxRedirects
            self.caFile = caFile
            self.userAgent = userAgent
            self.connectTo = connectTo
        }
    }

    /// The configuration every request of this transport uses.
    public let configuration: Configuration
    private let engine: CurlEngine
    private let proxies: ProxySettings

    /// Creates a transport and starts its libcurl thread.
    ///
    /// - Parameters:
    ///   - configuration: timeouts, limits, TLS and User-Agent.
    ///   - environment: where the proxy variables are read (the process environment by default).
    /// - Throws: `TransportError` when libcurl cannot be initialised.
    public init(
        configuration: Configuration = Configuration(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        guard LibCurl.isInitialized else { throw TransportError(.other, "libcurl could not be initialised") }
        self.configuration = configuration
        self.proxies = ProxySettings(environment: environment)
        self.engine = try CurlEngine()
    }

    /// A transport nobody shut down stops its thread when it goes, without waiting for it (nothing can be in flight:
    /// a request holds its transport until it ends).
    deinit {
        engine.stop()
    }

    /// Stops the transport's libcurl thread and waits until it has ended and its connections are closed; requests still
    /// in flight end with a `TransportError`, and later ones too. Call it when a server or a test that owns the
    /// transport shuts down; a transport that is simply released stops all the same, without being waited for.
    public func shutdown() async {
        await engine.shutdown()
    }

    /// Sends through libcurl; see `Transport/send(_:body:)` for what is thrown.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let exchange = try await exchange(request, body: body)
        return (exchange.response, exchange.body)
    }

    /// One completed exchange with libcurl's timings of it.
    package struct Exchange: Sendable {
        /// The response head (of the last response, after any redirect).
        package var response: HTTPResponse
        /// The response body (empty when it was streamed to a sink).
        package var body: Data
        /// Where the time went.
        package var metrics: TransferMetrics
    }

    /// Streams the response body to `sink` from libcurl's write callback as it arrives, keeping none of it; see
    /// `Transport/send(_:body:into:)`. The size cap (``Configuration/maxResponseBytes``) still applies.
    public func send(_ request: HTTPRequest, body: Data?, into sink: any ResponseBodySink) async throws -> HTTPResponse
    {
        try await exchange(request, body: body, sink: sink).response
    }

    /// Sends a request like ``send(_:body:)`` and also returns libcurl's timings and connection count.
    package func exchange(_ request: HTTPRequest, body: Data?) async throws -> Exchange {
        try await exchange(request, body: body, sink: nil)
    }

    package func measuredExchange(_ request: HTTPRequest) async throws -> (HTTPResponse, Data, TransferMetrics) {
        let exchange = try await exchange(request, body: nil)
        return (exchange.response, exchange.body, exchange.metrics)
    }

    private func exchange(_ request: HTTPRequest, body: Data?, sink: (any ResponseBodySink)?) async throws -> Exchange {
        try Task.checkCancellation()
        let transfer = try CurlTransfer(
            request: request, body: body, configuration: configuration, proxies: proxies,
            sink: sink)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                engine.start(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
    }
}
