package import Foundation
import HTTPTypes
import HTTPTypesFoundation
package import ZImage
import ZImageCassettes
import ZImageContract
import ZImageSimulation

/// Records contract scenarios into cassettes: against a fresh simulation in this process (faults injected, URLs moved to
/// the region's real endpoints, `source: simulator`), or live against DashScope with a key (`source: live`).
package struct ScenarioRecorder: Sendable {
    /// Where a scenario is recorded from.
    package enum Target: Sendable {
        /// A fresh simulation of the region for each scenario, in this process (no socket).
        case simulator
        /// DashScope itself, with this key.
        case live(APIKey)
        /// Another origin (a simulator started elsewhere, a gateway) with this key; its URLs are stored under the
        /// region's real endpoints. Scenarios that need injected faults cannot be produced there and are kept.
        case against(URL, APIKey)
    }

    /// What recording one scenario came to.
    package struct Outcome: Sendable {
        /// The scenario's name.
        package var name: String
        /// The cassette file.
        package var file: URL
        /// Whether the file changed, or was kept. (A recording that was not whole, one that breaks the contract
        /// included, is not an outcome: ``ScenarioRecorder/record(_:region:into:target:)`` throws why.)
        package var status: Status

        /// What happened to the file.
        package enum Status: String, Sendable {
            /// Written with new exchanges.
            case written
            /// Re-recorded to the same exchanges: left byte for byte as it was.
            case unchanged
            /// Not recordable from this target on demand: the existing cassette was kept.
            case kept
            /// Not recordable from this target on demand, and there was no cassette to keep.
            case skipped
        }
    }

    /// The key the simulator accepts while recording; never written (Authorization is redacted, and it is a secret).
    static let simulatorKey = APIKey("sk-test-recording-5e1d7a20")
    /// The key sent by the bad-key scenarios.
    static let refusedKey = APIKey("sk-test-refused-0c4b9f31")

    /// Makes the live transport each recording sends through.
    package var makeUpstream: @Sendable () throws -> any Transport

    /// The environment read for `CI` and `ZIMAGE_ALLOW_RECORDING`: in CI a recording is refused unless allowed.
    package var environment: [String: String]

    /// Creates a recorder whose live requests go through `makeUpstream()`, refusing to record when `environment` says
    /// CI unless it also allows recording.
    package init(
        makeUpstream: @escaping @Sendable () throws -> any Transport,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.makeUpstream = makeUpstream
        self.environment = environment
    }

    /// The cassette file of `name` in a region's folder.
    package static func file(for name: String, in folder: URL) -> URL {
        folder.appendingPathComponent("\(name).json")
    }

    /// Records `recipe` for `region` into `folder`, committing the cassette only when the recording is whole: every
    /// exchange completed, and the recording, replayed through the client, gives the outcome the scenario expects.
    ///
    /// - Throws: `CassetteError` with code `recordingKept` (the old cassette kept byte for byte, and why) when the
    ///   recording is not whole; `CassetteError` when recording is refused in CI.
    package func record(
        _ recipe: ScenarioRecipe, region: Region, into folder: URL, target: Target
    ) async throws -> Outcome {
        let file = Self.file(for: recipe.scenario.name, in: folder)
        switch target {
        case .live(let key):
            guard recipe.liveReproducible else { return Self.notRecordable(recipe, file: file) }
            return try await run(
                recipe, region: region, file: file, key: key, base: nil, rewrite: nil, timekeeper: .system,
                upstream: makeUpstream)
        case .against(let origin, let key):
            guard recipe.faults.isEmpty else { return Self.notRecordable(recipe, file: file) }
            return try await run(
                recipe, region: region, file: file, key: key, base: origin,
                rewrite: DashScopeSimulation.originRewrite(from: origin, region: region), timekeeper: .system,
                upstream: makeUpstream)
        case .simulator:
            let simulation = SimulationTransport(
                simulating: region, acceptingKey: Self.simulatorKey, playing: recipe.faults)
            return try await run(
                recipe, region: region, file: file, key: Self.simulatorKey, base: simulation.origin,
                rewrite: DashScopeSimulation.originRewrite(from: simulation.origin, region: region),
                timekeeper: .instant(), upstream: { simulation })
        }
    }

    /// The outcome of a scenario this target cannot produce: its cassette kept, or skipped when there is none.
    private static func notRecordable(_ recipe: ScenarioRecipe, file: URL) -> Outcome {
        let exists = FileManager.default.fileExists(atPath: file.path)
        return Outcome(name: recipe.scenario.name, file: file, status: exists ? .kept : .skipped)
    }

    private func run(
        _ recipe: ScenarioRecipe, region: Region, file: URL, key: APIKey, base: URL?, rewrite: OriginRewrite?,
        timekeeper: Timekeeper, upstream: @Sendable () throws -> any Transport
    ) async throws -> Outcome {
        let scenario = recipe.scenario
        let sentKey = scenario.validKey ? key : Self.refusedKey
        var options = CassetteOptions(
            rules: .dashScope, secrets: [key.value, sentKey.value], region: region.rawValue, environment: environment)
        options.rewrite = rewrite
        options.contract = ContractChecker.contract
        options.scenario = scenario.metadata
        let deck = CassetteDeck(mode: .all, options: options)
        let opened = try deck.open(file) { try upstream() }
        let transport = opened.transport
        let work: Result<Void, any Error>
        do {
            switch scenario.operation {
            case .generate:
                var request = try scenario.imageRequest()
                if let base { request.baseURL = base.appendingPathComponent(DashScopeAPI.generationPath) }
                let client = ZImageClient(transport: transport, apiKey: sentKey, region: region, timekeeper: timekeeper)
                // An API error is the scenario's to judge (the check below replays what was recorded); a transport
                // failure on the way makes the recording incomplete, and the commit keeps the old cassette.
                if let result = try? await client.generate(request) {
                    _ = try? await ImageDownloader(transport: transport).fetch(result)
                }
            case .probe:
                let url = base.map(Probe.modelsURL(for:)) ?? region.probeURL
                _ = try await transport.send(Probe.request(url: url, key: sentKey), body: nil)
            }
            work = .success(())
        } catch {
            work = .failure(error)
        }
        let path = file.path
        // A scenario's recording must have what it needs: replayed through the client, it gives the outcome expected.
        let written = try await opened.commit(after: work.failure) { cassette in
            await ScenarioRunner.run(cassette, file: path).problems.map {
                "replayed, it does not show the scenario (\($0.description))"
            }
        }
        return Outcome(name: scenario.name, file: file, status: written == .written ? .written : .unchanged)
    }
}

extension Result {
    /// The error, for a failure.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
