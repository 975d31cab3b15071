public import Foundation
public import HTTPTypes

/// The one seam between the client and the network: every byte ``ZImageClient`` sends or receives goes through a `Transport`.
///
/// The package has three kinds, and this seam is the whole record/replay idea:
/// - **live**: `CurlTransport` (module ZImageCurl) talks to DashScope over libcurl;
/// - **recording**: wraps any transport, forwards each request and writes the exchange to a cassette;
/// - **replaying**: answers from a cassette and never touches the network.
///
/// The client owns everything about the API (validation, the wire format, retries, error mapping); a transport only moves
/// one request and its response. It never retries, never interprets a status code, and reports an HTTP error status as a
/// normal response. It throws ``TransportError`` only when no complete HTTP response was received, and `CancellationError`
/// when the calling task was cancelled.
///
/// Write a transport to change *how* bytes move (a proxy, an in-memory server, a fault injector); a test needs no class of
/// its own, a ``ClosureTransport`` will do:
/// ```swift
/// let transport = ClosureTransport { request, body in
///     #expect(request.method == .post)
///     let json = #"{"output":{"choices":[]},"request_id":"r-1"}"#
///     return (HTTPResponse(status: .ok), Data(json.utf8))
/// }
/// let client = ZImageClient(transport: transport, apiKey: APIKey("sk-test-0000"))
/// ```
public protocol Transport: Sendable {
    /// Sends one HTTP request and returns the response head with its complete body.
    ///
    /// - Parameters:
    ///   - request: the method, URL (scheme, authority, path and query) and header fields.
    ///   - body: the request body, or `nil` for none.
    /// - Returns: the response head and the whole response body; any status, 4xx and 5xx included.
    /// - Throws: ``TransportError`` when no complete response arrived; `CancellationError` when the task was cancelled.
    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data)
}

/// A transport backed by a closure: the test double of choice, and a quick adapter for any other HTTP stack.
public struct ClosureTransport: Transport {
    /// The closure that answers each request.
    let handler: @Sendable (HTTPRequest, Data?) async throws -> (HTTPResponse, Data)

    /// Creates a transport that answers every request with `handler`.
    public init(_ handler: @escaping @Sendable (HTTPRequest, Data?) async throws -> (HTTPResponse, Data)) {
        self.handler = handler
    }

    /// Calls the handler.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        try await handler(request, body)
    }
}
