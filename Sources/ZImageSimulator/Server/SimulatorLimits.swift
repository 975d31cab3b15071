#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a ``SimulatorServer`` puts up with from its clients, so that none can hold it down: a slow client is closed while
/// a normal one is served, the connections it holds are bounded, and memory stays flat however long it runs.
package struct SimulatorLimits: Sendable, Hashable {
    /// The largest request body read; a larger one, declared or sent, is answered 413 at once and the connection closed.
    package var maxRequestBytes: Int
    /// How long a new connection may take to complete its TLS handshake (with TLS) and send a whole request head; a
    /// client that trickles its headers (slowloris) is closed then.
    package var headerTimeout: Duration
    /// How long a request's body may take once its head has arrived.
    package var bodyTimeout: Duration
    /// How long a kept-alive connection may wait between an answer and the next request's complete head.
    package var idleTimeout: Duration
    /// The most connections held open at once. At the limit, a new connection makes room by closing the longest-held
    /// one that is not in the middle of a request, so idle connections can never lock a client out; when every one is
    /// busy, the new one is closed at once, refused instead of starving everyone. Also kept below the process's
    /// open-file limit (less 64 for the files the process itself needs), where a full table would stop every accept.
    package var maxConnections: Int
    /// How many of the most recent requests the server keeps in its log (the count of all requests is kept apart).
    package var requestLogCapacity: Int

    /// Limits for a local simulator: 1 MiB bodies; 10 s for a handshake and a request head, 30 s for a body, 60 s
    /// idle; 256 connections; the last 1,000 requests logged.
    package init(
        maxRequestBytes: Int = 1 << 20, headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60), maxConnections: Int = 256, requestLogCapacity: Int = 1000
    ) {
        self.maxRequestBytes = maxRequestBytes
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.requestLogCapacity = requestLogCapacity
    }

    /// ``maxConnections``, lowered to leave 64 descriptors of the process's open-file limit (`ulimit -n`) free.
    var effectiveMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(Int32.max) else {
            return maxConnections
        }
        return max(1, min(maxConnections, Int(limit.rlim_cur) - 64))
    }
}
