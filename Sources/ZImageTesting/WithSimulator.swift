import Foundation
public import ZImage
import ZImageCurl
public import ZImageSimulator

/// Runs `body` with a ``ZImage/ZImageClient`` talking to a fresh DashScope simulator on 127.0.0.1 that plays `faults`
/// first, for tests of how the code under test handles throttling, server errors or an expired image URL. The client
/// keeps the region's real endpoints (they are redirected to the simulator), never sleeps on `Retry-After` or backoff,
/// and the simulator is shut down, and awaited, when `body` returns or throws.
///
/// ```swift
/// try await withSimulator(faults: [.throttled(retryAfter: 30)]) { client in
///     let poster = try await PosterMaker(client: client).make(title: "Lake")   // retried, no 30 s wait
/// }
/// ```
public func withSimulator<Result: Sendable>(
    region: Region = .beijing, faults: [SimulatedFailure] = [], _ body: (ZImageClient) async throws -> Result
) async throws -> Result {
    let key = APIKey("sk-test-simulator-6a1f0c")
    let server = try await SimulatorServer.start(
        simulating: DashScopeSimulation(region: region, acceptedKeys: [key.value]))
    for failure in faults { server.inject(failure) }
    let result: Result
    do {
        let transport = HostRedirect(upstream: try CurlTransport(), host: region.host, origin: server.baseURL)
        let client = ZImageClient(transport: transport, apiKey: key, region: region, timekeeper: .instant())
        result = try await ZImageClient.$scoped.withValue(client) { try await body(client) }
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
    return result
}
