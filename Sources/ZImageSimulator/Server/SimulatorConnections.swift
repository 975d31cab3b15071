package import NIOCore
import NIOHTTP1

/// How a ``SimulatorServer`` turns an accepted socket into the request streams it serves.
///
/// Here: plain HTTP/1.1 (``PlainHTTP1``). The rehearsal module adds TLS, negotiating HTTP/2 or HTTP/1.1 by ALPN, where
/// each HTTP/2 stream is served like an HTTP/1.1 connection of its own. The server keeps the accounting (connections
/// accepted, closed at shutdown); the faults and answers are the ``ConnectionHandler``'s, whatever the protocol.
package protocol SimulatorConnections: Sendable {
    /// What the pipeline of an accepted socket produces.
    associatedtype Connection: Sendable

    /// The scheme of the server's base URL: `http` or `https`.
    var scheme: String { get }

    /// Sets up the pipeline of an accepted socket; runs on its event loop.
    func configure(_ channel: any Channel) -> EventLoopFuture<Connection>

    /// The accepted socket, closed when the server shuts down.
    func channel(of connection: Connection) -> any Channel

    /// Serves every request stream of the connection with `streams`, returning when the connection is done.
    func serve(_ connection: Connection, streams: ConnectionHandler) async

    /// Closes a connection the server will not serve (over its connection limit), releasing what its pipeline made.
    func refuse(_ connection: Connection) async
}

/// Plain HTTP/1.1 over TCP: one request stream per connection.
struct PlainHTTP1: SimulatorConnections {
    init() {}

    package var scheme: String { "http" }

    package func configure(
        _ channel: any Channel
    ) -> EventLoopFuture<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                wrappingChannelSynchronously: channel)
        }
    }

    package func channel(of connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) -> any Channel {
        connection.channel
    }

    package func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, streams: ConnectionHandler
    ) async {
        await streams.serve(connection)
    }

    package func refuse(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        // An async channel must be finished through executeThenClose, never just dropped.
        try? await connection.executeThenClose { _, _ in }
    }
}
