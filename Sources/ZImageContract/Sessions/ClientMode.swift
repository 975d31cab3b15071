public import Foundation
public import Logging
public import ZImage
public import ZImageCassettes
import ZImageSimulator

/// How a client reaches DashScope: live, or through a cassette in a record mode. The command line and the test harness
/// both turn a mode into a transport here, so the rules below live in one place:
/// - replaying needs no key (a fixed test key is sent; headers take no part in matching), ignores a base URL (cassettes
///   hold the real endpoints), and never sleeps for real on `Retry-After` or backoff;
/// - recording reads the key, redacts it and OSS signatures (`CassetteRules/dashScope`), checks what it recorded against
///   the contract, refuses to run in CI unless allowed, and stores exchanges recorded against a base URL (the simulator)
///   under the region's real endpoints;
/// - live is the plain transport with the key.
public enum ClientMode: Sendable, Hashable {
    /// Straight to the network.
    case live
    /// Through the cassette file at the URL, in a record mode (`RecordMode/none` replays only).
    case cassette(URL, RecordMode)

    /// Whether this mode answers from the cassette alone: ``RecordMode/none``, or ``RecordMode/once`` on an existing file.
    var replaysOnly: Bool {
        guard case .cassette(let url, let mode) = self else { return false }
        return mode == .none || (mode == .once && FileManager.default.fileExists(atPath: url.path))
    }

    /// Everything a client needs in this mode.
    ///
    /// - Parameters:
    ///   - region: the region whose endpoints and hosts are used (and stored in a new cassette).
    ///   - baseURL: where live requests go instead of the region's endpoint; recordings made against it are stored under
    ///     the region's real hosts. Ignored when replaying.
    ///   - environment: the key (`DASHSCOPE_API_KEY` or the credentials file) and the CI guard are read from it.
    ///   - matching: what a recorded request must share with a sent one (replays and new-episodes).
    ///   - makeLiveTransport: the live transport, made only when something goes live.
    /// - Throws: `ZImageError` with code `missingCredentials` when a key is needed and none is found;
    ///   `CassetteError` for a cassette that cannot be replayed or may not be recorded.
    public func prepare(
        region: Region, baseURL: URL?, environment: [String: String] = ProcessInfo.processInfo.environment,
        matching: RequestMatching = .default, makeLiveTransport: () throws -> any Transport
    ) throws -> PreparedClient {
        switch self {
        case .live:
            let key = try Credentials.resolve(environment: environment).apiKey
            return PreparedClient(
                transport: try makeLiveTransport(), apiKey: key, timekeeper: .system, recorder: nil,
                baseURL: baseURL)
        case .cassette(let url, let mode) where replaysOnly:
            let opened = try mode.open(
                url, upstream: makeLiveTransport,
                options: CassetteOptions(
                    rules: .dashScope, matching: matching, region: region.rawValue, environment: environment))
            return PreparedClient(
                transport: opened.transport, apiKey: ReplayKey.key, timekeeper: .instant(), recorder: nil,
                baseURL: nil)
        case .cassette(let url, let mode):
            try RecordMode.refuseRecordingInCI(url.path, mode: mode.rawValue, environment: environment)
            let key = try Credentials.resolve(environment: environment).apiKey
            let opened = try mode.open(
                url, upstream: makeLiveTransport,
                options: CassetteOptions(
                    rules: .dashScope, matching: matching, secrets: [key.value], region: region.rawValue,
                    rewrite: baseURL.map { DashScopeSimulation.originRewrite(from: $0, region: region) },
                    contract: ContractChecker.contract, environment: environment))
            return PreparedClient(
                transport: opened.transport, apiKey: key, timekeeper: .system, recorder: opened.recorder,
                baseURL: baseURL)
        }
    }
}

/// A transport, key and clock for one ``ClientMode``, and the recorder when it records.
public struct PreparedClient: Sendable {
    /// What moves the bytes: live, recording or replaying.
    public var transport: any Transport
    /// The key to send: the user's, or a fixed test key when replaying.
    public var apiKey: APIKey
    /// The real clock, or one that skips every wait when replaying.
    public var timekeeper: Timekeeper
    /// Keeps the recorded exchanges; call `CassetteRecorder/flush()` when done and read its violations. `nil` unless
    /// recording.
    public var recorder: CassetteRecorder?
    /// Where requests go instead of the region's endpoint; `nil` when replaying.
    public var baseURL: URL?

    /// A client on this transport, key and clock.
    public func client(
        region: Region, retryPolicy: RetryPolicy = .standard,
        logger: Logger = Logger(label: "zimage.client", factory: { _ in SwiftLogNoOpLogHandler() })
    ) -> ZImageClient {
        ZImageClient(
            transport: transport, apiKey: apiKey, region: region, retryPolicy: retryPolicy, timekeeper: timekeeper,
            logger: logger)
    }
}

/// The key replays send: it never reaches a network, and headers take no part in matching.
enum ReplayKey {
    static let key = APIKey("sk-test-replay-00000000")
}
