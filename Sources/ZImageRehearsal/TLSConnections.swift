import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL
import ZImageSimulator

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A misbehaviour of the TLS layer, played on every connection of a server started with it.
package enum TLSFault: String, Sendable, Hashable, CaseIterable {
    /// The connection is reset (TCP RST) as soon as the client's first handshake message arrives.
    case resetDuringHandshake = "reset-handshake"
    /// The server presents a certificate from the right authority, but for another name (`simulator.invalid`).
    case wrongName = "wrong-name"

    /// The name a wrong-name certificate is issued for.
    static let wrongHostName = "simulator.invalid"
}

/// TLS connections that negotiate HTTP/2 or HTTP/1.1 by ALPN (`h2`, `http/1.1`, in that order of preference, as
/// DashScope's servers do); each HTTP/2 stream is served like a connection of its own, through
/// `HTTP2FramePayloadToHTTP1ServerCodec`, so faults and answers are the same whatever the protocol.
struct TLSConnections: SimulatorConnections {
    typealias Stream = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    typealias Negotiated = NIONegotiatedHTTPVersion<Stream, (Void, NIOHTTP2Handler.AsyncStreamMultiplexer<Stream>)>

    /// An accepted socket and, unless the handshake is to be reset, what ALPN settles on.
    struct Connection: Sendable {
        var channel: any Channel
        var negotiated: EventLoopFuture<Negotiated>?
    }

    let context: NIOSSLContext
    let fault: TLSFault?

    /// Connections presenting `leaf`, playing `fault` when given.
    init(leaf: CertificateAuthority.Leaf, fault: TLSFault?) throws {
        let chain = try leaf.certificateChainPEM.map { try NIOSSLCertificate(bytes: Array($0.utf8), format: .pem) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(leaf.privateKeyPEM.utf8), format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["h2", "http/1.1"]
        self.context = try NIOSSLContext(configuration: configuration)
        self.fault = fault
    }

    var scheme: String { "https" }

    func configure(_ channel: any Channel) -> EventLoopFuture<Connection> {
        if fault == .resetDuringHandshake {
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ResetOnFirstRead())
                return Connection(channel: channel, negotiated: nil)
            }
        }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            channel.configureAsyncHTTPServerPipeline { http1 in
                http1.eventLoop.makeCompletedFuture { try Stream(wrappingChannelSynchronously: http1) }
            } http2ConnectionInitializer: { connection in
                connection.eventLoop.makeSucceededVoidFuture()
            } http2StreamInitializer: { stream in
                stream.eventLoop.makeCompletedFuture {
                    try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                    return try Stream(wrappingChannelSynchronously: stream)
                }
            }
        }.map { Connection(channel: channel, negotiated: $0) }
    }

    func channel(of connection: Connection) -> any Channel {
        connection.channel
    }

    func serve(_ connection: Connection, streams: ConnectionHandler) async {
        guard let negotiated = try? await connection.negotiated?.get() else {
            // The handshake failed or was reset: nothing to serve.
            try? await connection.channel.closeFuture.get()
            return
        }
        switch negotiated {
        case .http1_1(let stream):
            await streams.serve(stream)
        case .http2(let (_, multiplexer)):
            await withDiscardingTaskGroup { group in
                do {
                    for try await stream in multiplexer.inbound {
                        group.addTask { await streams.serve(stream) }
                    }
                } catch {
                    // The connection ended: its streams end with it.
                }
            }
            try? await connection.channel.close()
        }
    }
}

extension TLSConnections {
    func refuse(_ connection: Connection) async {
        // Closed before its handshake: the negotiation fails and makes no stream; one that did finish is closed too.
        try? await connection.channel.close()
        if case .http1_1(let stream)? = try? await connection.negotiated?.get() {
            try? await stream.executeThenClose { _, _ in }
        }
    }
}

/// Resets the connection (SO_LINGER 0, then close: a TCP RST) when the first bytes arrive, before any TLS answer.
private final class ResetOnFirstRead: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let channel = context.channel
        guard let socket = channel as? any SocketOptionProvider else {
            channel.close(promise: nil)
            return
        }
        socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
    }
}
