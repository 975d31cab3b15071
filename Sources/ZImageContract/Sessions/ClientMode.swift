package import Foundation
package import Logging
package import ZImage
package import ZImageCassettes
import ZImageSimulation

/// How a client reaches DashScope: live, or through a cassette in a record mode. The command line and the test harness
/// both turn a mode into a transport here, so the rules below live in one place:
/// - replaying needs no key (a fixed test key is sent; headers take no part in matching), ignores a base URL (cassettes
///   hold the real endpoints), and never sleeps for real on `Retry-After` or backoff;
/// - recording reads the key, redacts it and OSS signatures (`CassetteRules/dashScope`), checks what it recorded against
///   the contract, refuses to run in CI unless allowed, and stores exchanges recorded against a base URL (the simulator)
///   under the region's real endpoints;
/// - live is the plain transport with the key.
package enum ClientMode: Sendable, Hashable {
    /// Straight to the network.
    case live
    /// Through the cassette file at the URL, in a record mode (`RecordMode/none` replays only).
    case cassette(URL, RecordMode)

    /// Everything a client needs in this mode.
    ///
    /// - Parameters:
    ///   - region: the region whose endpoints and hosts are used (and stored in a new cassette).
    ///   - baseURL: where live requests go instead of the region's endpoint; recordings made against it are stored under
    ///     the region's real hosts. Ignored when replaying.
    ///   - environment: the key (`DASHSCOPE_API_KEY` or the credentials file) and the CI guard are read from it.
    ///   - matching: what a recorded request must share with a sent one (replays and new-episodes).
    ///   - rules: the cassette rules (`CassetteRules/dashScope`, perhaps with the caller's own re-recording advice).
    ///   - alternatives: other places to replay the cassette from when its file is missing (a test bundle's copy).
    ///   - makeLiveTransport: the live transport, made only when something goes live.
    /// - Throws: `ZImageError` with code `missingCredentials` when a key is needed and none is found;
    ///   `CassetteError` for a cassette that cannot be replayed or may not be recorded.
    package func prepare(
        region: Region, baseURL: URL?, environment: [String: String] = ProcessInfo.processInfo.environment,
        matching: RequestMatching = .default, rules: CassetteRules = .dashScope, replayingFrom alternatives: [URL] = [],
        makeLiveTransport: () throws -> any Transport
    ) throws -> PreparedClient {
        guard case .cassette(let url, let mode) = self else {
            let key = try Credentials.resolve(environment: environment).apiKey
            return PreparedClient(
                transport: try makeLiveTransport(), apiKey: key, timekeeper: .system, cassette: nil, baseURL: baseURL)
        }
        var options = CassetteOptions(
            rules: rules, matching: matching, region: region.rawValue, environment: environment)
        options.rewrite = baseURL.map { DashScopeSimulation.originRewrite(from: $0, region: region) }
        options.contract = ContractChecker.contract
        let deck = CassetteDeck(mode: mode, options: options)
        var key: APIKey?
        let opened = try deck.open(url, replayingFrom: alternatives) {
            let resolved = try Credentials.resolve(environment: environment).apiKey
            key = resolved
            return RecordingUpstream(try makeLiveTransport(), secrets: [resolved.value])
        }
        switch opened {
        case .replaying:
            return PreparedClient(
                transport: opened.transport, apiKey: ReplayKey.key, timekeeper: .instant(), cassette: opened,
                baseURL: nil)
        case .recording:
            return PreparedClient(
                transport: opened.transport, apiKey: key ?? ReplayKey.key, timekeeper: .system, cassette: opened,
                baseURL: baseURL)
        }
    }
}

/// A transport, key and clock for one ``ClientMode``, and the recorder when it records.
package struct PreparedClient: Sendable {
    /// What moves the bytes: live, recording or replaying.
    package var transport: any Transport
    /// The key to send: the user's, or a fixed test key when replaying.
    package var apiKey: APIKey
    /// The real clock, or one that skips every wait when replaying.
    package var timekeeper: Timekeeper
    /// The cassette, replaying or recording; `nil` when live. A recording is written by
    /// `OpenedCassette/commit(after:verifying:)`, whole or not at all.
    package var cassette: OpenedCassette?
    /// Where requests go instead of the region's endpoint; `nil` when replaying.
    package var baseURL: URL?

    /// A client on this transport, key and clock.
    package func client(
        region: Region, retryPolicy: RetryPolicy = .standard,
        logger: Logger = Logger(label: "zimage.client", factory: { _ in SwiftLogNoOpLogHandler() })
    ) -> ZImageClient {
        ZImageClient(
            transport: transport, apiKey: apiKey, region: region, retryPolicy: retryPolicy, timekeeper: timekeeper,
            logger: logger)
    }
}

/// The key replays send: it never reaches a network, and headers take no part in matching.
package enum ReplayKey {
    package static let key = APIKey("sk-test-replay-00000000")
}
