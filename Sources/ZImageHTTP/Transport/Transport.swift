public import Foundation
public import HTTPTypes

/// The one seam between the client and the network: every byte `ZImageClient` sends or receives goes through a `Transport`.
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

    /// Sends one HTTP request and hands the response to `sink` as it arrives: the head, then the body piece by piece,
    /// none of it kept, so that a large body (an image) goes to disk in flat memory.
    ///
    /// The default implementation receives the whole body with ``send(_:body:)`` and hands it over in one piece; a
    /// transport that can stream (`CurlTransport`) implements it.
    ///
    /// - Returns: the response head.
    /// - Throws: what ``send(_:body:)`` throws, and whatever the sink throws, as it threw it (the transfer is abandoned).
    func send(_ request: HTTPRequest, body: Data?, into sink: any ResponseBodySink) async throws -> HTTPResponse
}

extension Transport {
    /// Receives the whole body with ``send(_:body:)`` and hands it to `sink` in one piece.
    public func send(_ request: HTTPRequest, body: Data?, into sink: any ResponseBodySink) async throws -> HTTPResponse
    {
        let (response, data) = try await send(request, body: body)
        try sink.receive(response)
        try data.withUnsafeBytes { try sink.receive($0) }
        return response
    }
}

/// Where a streamed response goes (``Transport/send(_:body:into:)``): its head once, then each piece of its body in
/// order, on whatever thread the transport receives them, one call at a time.
public protocol ResponseBodySink: AnyObject, Sendable {
    /// The response head, before any byte of its body. Throw to refuse the body: the transfer is abandoned and `send`
    /// throws this error.
    func receive(_ response: HTTPResponse) throws
    /// The next piece of the body, valid only during the call. Throw to abandon the transfer: `send` throws this error.
    func receive(_ bytes: UnsafeRawBufferPointer) throws
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
