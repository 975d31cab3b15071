import Synchronization
public import ZImage
public import ZImageSimulation

/// Runs `body` with the test's client answering `faults` first, in place of what the cassette (or the simulation)
/// would answer, then as before: one good recording proves the code's handling of every documented failure.
///
/// Call it inside `@Test(.cassette(…))`, `withCassette` or `withSimulator`: the client it passes (and
/// `ZImageClient.cassette`, and the client `ZImageClient.make` lends) plays the faults. A retried fault is answered,
/// the client retries and meets the recorded answer; a final one reaches the code as the typed `ZImageError`.
/// A test that played a fault is not told of recorded interactions it left unused (a final fault stops before them).
///
/// ```swift
/// @Test(.cassette("poster", shared: true), arguments: DashScopeFault.documented)   // one cassette for every case
/// func posterHandles(_ fault: DashScopeFault) async throws {
///     try await withFault(fault) { client in
///         do {
///             _ = try await PosterMaker(client: client).make(title: "Lake")
///             #expect(fault.isRetried)
///         } catch let error as ZImageError {
///             #expect(!fault.isRetried && error.apiFailure?.status == fault.status)
///         }
///     }
/// }
/// ```
///
/// When the cassette is being recorded (`ZIMAGE_RECORD_MODE`), the faults play in front of the recording and what the
/// test recorded is not kept (a warning says so): record the cassette through a test that plays no fault.
///
/// - Throws: what `body` throws; ``CassetteTestError`` outside a test scope.
public func withFault<Result: Sendable>(
    _ faults: DashScopeFault..., body: (ZImageClient) async throws -> Result
) async throws -> Result {
    guard let client = ZImageClient.scoped else {
        throw CassetteTestError(
            "withFault plays faults in front of a test's client: call it inside @Test(.cassette(\"name\")), "
                + "withCassette(\"name\") { … } or withSimulator { … }")
    }
    let transport = FaultPlayingTransport(faults, upstream: client.transport)
    var faulted = client
    faulted.transport = transport
    defer { if transport.playedAny { FaultScope.ledger?.markPlayed() } }
    return try await CassetteScope.$client.withValue(CassetteScope.client == nil ? nil : faulted) {
        try await ZImageClient.$scoped.withValue(faulted) { try await body(faulted) }
    }
}

/// Whether a test scope played a fault, for the session that reports on it.
enum FaultScope {
    @TaskLocal static var ledger: FaultLedger?
}

/// Set once a fault was played in a session's scope.
final class FaultLedger: Sendable {
    private let played = Atomic(false)

    func markPlayed() { played.store(true, ordering: .relaxed) }

    var playedAny: Bool { played.load(ordering: .relaxed) }
}
