import Foundation
public import ZImage
public import ZImageSimulation

/// Runs `body` with a ``ZImage/ZImageClient`` answered by a fresh DashScope simulation that plays `faults` first, for
/// tests of how the code under test handles throttling, server errors or an expired image URL. The simulation runs in
/// the test's process, without a socket, and reports each fault as the live transport reports it from a server (a
/// reset is a transport error of kind `connectionReset`, say). The client keeps the region's real endpoints and never
/// sleeps on `Retry-After` or backoff.
///
/// ```swift
/// try await withSimulator(faults: [.throttled(retryAfter: 30)]) { client in
///     let poster = try await PosterMaker(client: client).make(title: "Lake")   // retried, no 30 s wait
/// }
/// ```
public func withSimulator<Result: Sendable>(
    region: Region = .beijing, faults: [DashScopeFault] = [], _ body: (ZImageClient) async throws -> Result
) async throws -> Result {
    let key = APIKey("sk-test-simulator-6a1f0c")
    let transport = SimulationTransport(simulating: region, acceptingKey: key, playing: faults)
    let client = ZImageClient(transport: transport, apiKey: key, region: region, timekeeper: .instant())
    return try await ZImageClient.$scoped.withValue(client) { try await body(client) }
}
