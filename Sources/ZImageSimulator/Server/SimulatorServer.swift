public import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import ZImage
public import ZImageSimulation

/// An HTTP server on loopback (HTTP/1.1; TLS with HTTP/2 through the rehearsal module) that answers with a
/// `SimulatorBackend` and plays scripted `SimulatorFault`s.
///
/// It counts the connections it accepts and the requests it answers, and logs the most recent requests (the
/// Authorization value is never kept), so tests can assert both. Its limits close slow clients, bound the
/// connections it holds and the log it keeps. Start it on port 0 (the default) to get a free port; stop it with
/// ``shutdown()``.
public final class SimulatorServer: Sendable {
    /// The address it listens on.
    public let host: String
    /// The port it listens on.
    public let port: Int
    private let state: ServerState
    private let serverChannel: any Channel
    private let acceptTask: Task<Void, Never>

    /// `http://HOST:PORT`.
    public let baseURL: URL

    /// The simulated generation endpoint on this server.
    public var generationURL: URL { baseURL.appendingPathComponent(DashScopeAPI.generationPath) }

    /// Connections accepted so far.
    public var acceptedConnections: Int { state.locked { $0.accepted } }

    /// The most recent requests (at most the log capacity of its limits, 1,000 by default), in order.
    public var requests: [SimulatorLogEntry] { state.locked { Array($0.log) } }

    /// Requests received so far, including those no longer in ``requests``.
    package var requestCount: Int { state.locked { $0.loggedBefore + $0.log.count } }

    /// Connections closed on arrival because ``SimulatorLimits/maxConnections`` were open, each in the middle of a request.
    package var refusedConnections: Int { state.locked { $0.refused } }

    /// Idle connections closed to make room for a new one at ``SimulatorLimits/maxConnections``.
    package var evictedConnections: Int { state.locked { $0.evicted } }

    /// Starts a server answering with `backend`.
    ///
    /// - Parameters:
    ///   - backend: what answers each request.
    ///   - host: the address to listen on; loopback by default.
    ///   - port: the port; 0 picks a free one.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, backend: any SimulatorBackend
    ) async throws -> SimulatorServer {
        try await start(host: host, port: port, backend: backend, limits: SimulatorLimits(), connections: PlainHTTP1())
    }

    /// Starts a server answering with `backend` and putting up with `limits` from clients (timeouts, connections, body
    /// size, log size).
    package static func start(
        host: String = "127.0.0.1", port: Int = 0, backend: any SimulatorBackend, limits: SimulatorLimits
    ) async throws -> SimulatorServer {
        try await start(host: host, port: port, backend: backend, limits: limits, connections: PlainHTTP1())
    }

    /// Starts a server answering with `backend` over the connections `connections` sets up (plain HTTP/1.1, or TLS
    /// with HTTP/2 in the rehearsal module).
    package static func start<Connections: SimulatorConnections>(
        host: String, port: Int, backend: any SimulatorBackend, limits: SimulatorLimits = SimulatorLimits(),
        connections: Connections
    ) async throws -> SimulatorServer {
        let state = ServerState(logCapacity: limits.requestLogCapacity)
        let maxConnections = limits.effectiveMaxConnections
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in connections.configure(channel) }
        guard let boundPort = channel.channel.localAddress?.port else {
            try? await channel.channel.close()
            throw SimulatorError("the server socket has no port")
        }
        let authority = "\(host.contains(":") ? "[\(host)]" : host):\(boundPort)"
        guard let baseURL = URL(string: "\(connections.scheme)://\(authority)") else {
            try? await channel.channel.close()
            throw SimulatorError("\(authority) does not make a URL")
        }
        let streams = ConnectionHandler(backend: backend, state: state, serverBaseURL: baseURL, limits: limits)
        let task = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await channel.executeThenClose { inbound in
                        for try await connection in inbound {
                            let socket = connections.channel(of: connection)
                            // At the limit, the longest-held connection that is not in the middle of a request makes room
                            // (so idle connections cannot lock a new client out); when every one is busy, the newcomer is
                            // refused.
                            let (admitted, evicted) = state.locked { state -> (Bool, (any Channel)?) in
                                state.accepted += 1
                                var evicted: (any Channel)?
                                if state.connections.count >= maxConnections {
                                    let idle = state.connections.filter { state.busy[$0.key, default: 0] == 0 }
                                    guard let oldest = idle.min(by: { $0.value.order < $1.value.order }) else {
                                        state.refused += 1
                                        return (false, nil)
                                    }
                                    state.connections.removeValue(forKey: oldest.key)
                                    state.evicted += 1
                                    evicted = oldest.value.channel
                                }
                                state.connections[ObjectIdentifier(socket)] = .init(
                                    channel: socket, order: state.accepted)
                                return (true, evicted)
                            }
                            evicted?.close(promise: nil)
                            guard admitted else {
                                group.addTask { await connections.refuse(connection) }
                                continue
                            }
                            // The TLS handshake and the first request head must come within the header timeout.
                            let handshake = socket.eventLoop.scheduleTask(in: TimeAmount(limits.headerTimeout)) {
                                if !state.locked({ $0.servedSockets.contains(ObjectIdentifier(socket)) }) {
                                    socket.close(promise: nil)
                                }
                            }
                            socket.closeFuture.whenComplete { _ in handshake.cancel() }
                            group.addTask {
                                await connections.serve(connection, streams: streams)
                                state.locked {
                                    _ = $0.connections.removeValue(forKey: ObjectIdentifier(socket))
                                    _ = $0.servedSockets.remove(ObjectIdentifier(socket))
                                    $0.busy[ObjectIdentifier(socket)] = nil
                                }
                            }
                        }
                    }
                } catch {
                    // The listening socket closed: shutdown() or a fatal socket error; either way the server stops.
                }
            }
        }
        return SimulatorServer(
            host: host, port: boundPort, baseURL: baseURL, state: state, serverChannel: channel.channel,
            acceptTask: task)
    }

    private init(
        host: String, port: Int, baseURL: URL, state: ServerState, serverChannel: any Channel,
        acceptTask: Task<Void, Never>
    ) {
        self.host = host
        self.port = port
        self.baseURL = baseURL
        self.state = state
        self.serverChannel = serverChannel
        self.acceptTask = acceptTask
    }

    /// Starts a DashScope simulator on `host` (loopback by default) and `port` (0 picks a free one).
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, simulating simulation: DashScopeSimulation
    ) async throws
        -> SimulatorServer
    {
        try await start(host: host, port: port, backend: simulation)
    }

    /// Plays `fault` for the next `times` requests instead of the backend's plain answer: requests to `path` only when
    /// given, or to paths starting with `pathPrefix`. Faults are played in the order they were injected.
    package func inject(_ fault: SimulatorFault, path: String? = nil, pathPrefix: String? = nil, times: Int = 1) {
        state.faults.inject(fault, path: path, pathPrefix: pathPrefix, times: times)
    }

    /// Plays `fault` for the next requests it applies to, before the simulation's own answers: a documented error
    /// (`DashScopeFault.documented`, `DashScopeFault.throttled(retryAfter:times:)`, …), or any `SimulatorFault`
    /// with the path prefix and the number of requests it answers.
    public func inject(_ fault: DashScopeFault) {
        state.faults.inject(fault)
    }

    /// Faults injected and not yet played.
    var pendingFaults: Int { state.faults.pending }

    /// Stops listening, closes every connection and ends every request in progress.
    public func shutdown() async {
        try? await serverChannel.close()
        let open = state.locked { $0.connections.values.map(\.channel) }
        for channel in open { try? await channel.close() }
        acceptTask.cancel()
        await acceptTask.value
    }
}

/// One request the server answered.
public struct SimulatorLogEntry: Sendable, Hashable {
    /// The request's method, as sent (`GET`, `POST`).
    public var method: String
    /// The path and query as requested.
    public var target: String
    /// The status answered, or `nil` when the connection was reset instead.
    public var status: Int?
    /// The fault played, if any.
    public var fault: String?
    /// The Host header (HTTP/2's `:authority`), as sent.
    public var host: String?
    /// ``host`` without its port, lowercased.
    package var hostName: String? { host.map(SimulatorRequest.hostName(ofHostHeader:)) }
    /// Whether the request had an Authorization header (its value is never kept).
    public var hadAuthorization: Bool
    /// The User-Agent header.
    public var userAgent: String?
}

struct SimulatorError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The server's shared, locked state.
final class ServerState: Sendable {
    struct OpenConnection {
        var channel: any Channel
        var order: Int
    }

    struct Contents {
        var accepted = 0
        var refused = 0
        /// The most recent requests, at most ``ServerState/logCapacity``.
        var log = CircularBuffer<SimulatorLogEntry>()
        /// Requests dropped from the front of ``log``.
        var loggedBefore = 0
        /// Sockets on which a whole request head has arrived (the handshake timer leaves them alone).
        var servedSockets: Set<ObjectIdentifier> = []
        /// The connections held open, with the order they were accepted in.
        var connections: [ObjectIdentifier: OpenConnection] = [:]
        /// Requests in progress (from a head to the end of its answer) per accepted socket; absent means none.
        var busy: [ObjectIdentifier: Int] = [:]
        /// Connections closed to make room for a newer one.
        var evicted = 0
    }

    private let contents = Mutex(Contents())
    /// How many requests ``Contents/log`` keeps.
    let logCapacity: Int

    init(logCapacity: Int) {
        self.logCapacity = max(1, logCapacity)
    }

    /// Logs `entry`, dropping the oldest entry when the log is full; returns its number among all requests.
    func log(_ entry: SimulatorLogEntry) -> Int {
        locked { contents in
            contents.log.append(entry)
            if contents.log.count > logCapacity {
                contents.log.removeFirst()
                contents.loggedBefore += 1
            }
            return contents.loggedBefore + contents.log.count - 1
        }
    }

    /// Sets the status of request number `number`, if it is still in the log.
    func setStatus(_ status: Int?, ofRequest number: Int) {
        locked { contents in
            let position = number - contents.loggedBefore
            guard position >= 0, position < contents.log.count else { return }
            contents.log[contents.log.index(contents.log.startIndex, offsetBy: position)].status = status
        }
    }
    /// The faults scripted for this server, and the request ids of their answers.
    let faults = FaultScript()

    func locked<Result>(_ body: (inout Contents) -> Result) -> Result {
        contents.withLock { body(&$0) }
    }

}
