import Foundation
package import ZImage
package import ZImageRehearsal
package import ZImageSimulator

/// Something a test starts and must stop before it ends: a server, a workspace.
package protocol Stoppable: Sendable {
    /// Releases what it holds; awaited, so the next test never races it.
    func stop() async
}

/// Runs `body` with `resource`, then awaits `resource.stop()`, whether `body` returned or threw: the shutdown is part of
/// the test, never a detached task that races the next one (as hummingbird's `app.test { client in … }` does it).
package func using<Resource: Stoppable, Result>(
    _ resource: Resource, _ body: (Resource) async throws -> Result
) async throws -> Result {
    let result: Result
    do {
        result = try await body(resource)
    } catch {
        await resource.stop()
        throw error
    }
    await resource.stop()
    return result
}

extension SimulatorServer: Stoppable {
    package func stop() async {
        await shutdown()
    }
}

/// Runs `body` with a fresh in-process simulator of `region` on 127.0.0.1 that accepts `keys` (or answers with
/// `backend`), and awaits its shutdown afterwards.
package func withSimulator<Result>(
    region: Region = .beijing, accepting keys: Set<String>, drift: DashScopeSimulation.Drift = .init(),
    _ body: (SimulatorServer) async throws -> Result
) async throws -> Result {
    let backend = DashScopeSimulation(region: region, acceptedKeys: keys, drift: drift)
    return try await using(try await SimulatorServer.start(backend: backend), body)
}

extension DashScopeRehearsal: Stoppable {
    package func stop() async {
        await shutdown()
    }
}

/// Runs `body` with a fresh rehearsal server (both regions over TLS under the real hostnames) accepting `keys`, and the
/// path of its CA certificate, written to a temporary folder; awaits its shutdown and removes the folder afterwards.
package func withRehearsal<Result>(
    accepting keys: Set<String>, drift: DashScopeSimulation.Drift = .init(), fault: TLSFault? = nil,
    _ body: (DashScopeRehearsal, _ caFile: String) async throws -> Result
) async throws -> Result {
    try await withTemporaryDirectory("rehearsal") { folder in
        let rehearsal = try await DashScopeRehearsal.start(acceptedKeys: keys, drift: drift, fault: fault)
        let caFile = folder.appendingPathComponent("ca.pem")
        try rehearsal.authority.writeCertificate(to: caFile)
        return try await using(rehearsal) { try await body($0, caFile.path) }
    }
}
