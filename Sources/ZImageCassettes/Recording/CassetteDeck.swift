public import Foundation
public import ZImageHTTP

/// The one place a cassette is opened: under a ``RecordMode`` it replays the file or starts a recording, applies the
/// CI guard, and (inside the package) hands back which of the two it did, typed, never a transport to downcast.
///
/// Every recorder and replayer goes through it: `zimage generate`, `zimage cassettes record`, the contract suite's
/// scenario runner and recorder, the test harness (trait and `withCassette`) and the replay server. So the rules hold
/// everywhere alike:
/// - a replay reads the cassette whole (schema, body files, images checked by the rules) and refuses an empty one;
/// - a recording is refused in CI (`CI=true`) unless `ZIMAGE_ALLOW_RECORDING=1`;
/// - a recording keeps the header fields the matching reads (credentials redacted), so what matched when it was
///   recorded matches when it is replayed;
/// - a recording is written only when it is whole (see ``RecordingTransport/commit(after:verifying:)``): a failed,
///   cancelled or empty recording leaves the old file byte for byte.
///
/// ```swift
/// let deck = CassetteDeck(mode: .update, options: CassetteOptions(rules: .dashScope, secrets: [key.value]))
/// let poster = try await deck.run(cassetteURL, upstream: try CurlTransport()) { transport in
///     try await ZImageClient(transport: transport, apiKey: key).generate(ImageRequest(prompt: "A calm lake"))
/// }
/// ```
public struct CassetteDeck: Sendable {
    /// When the cassette is replayed and when it is recorded.
    public var mode: RecordMode
    /// Rules, matching, secrets, region, rewrite, contract, repeats, and the environment read for `CI`.
    public var options: CassetteOptions

    /// A deck that opens cassettes in `mode` with `options`.
    public init(mode: RecordMode = .none, options: CassetteOptions = CassetteOptions()) {
        self.mode = mode
        self.options = options
    }

    /// Whether opening `url` now records (the mode records, and the file is or is not there as it needs).
    package func records(_ url: URL) -> Bool {
        mode.action(existing: FileManager.default.fileExists(atPath: url.path)).records
    }

    /// Refuses to record in CI: with `CI=true` (or `1`), recording `path` throws unless `ZIMAGE_ALLOW_RECORDING=1`, so
    /// that CI never records by accident. ``open(_:replayingFrom:recordingThrough:)`` applies it; a command that records
    /// many files calls it once first.
    ///
    /// - Throws: ``CassetteError`` with code ``CassetteError/Code/recordingRefused``.
    package func checkRecordingAllowed(_ path: String) throws {
        let environment = options.environment
        let inCI = ["true", "1"].contains(environment["CI"]?.lowercased() ?? "")
        if inCI && environment[RecordMode.allowRecordingVariable] != "1" {
            throw CassetteError.recordingRefused(path: path, mode: mode.rawValue, ci: environment["CI"] ?? "true")
        }
    }

    /// Reads a cassette to replay it: validated whole (the schema, body files, images checked by the rules), and not
    /// empty.
    ///
    /// - Throws: ``CassetteError``: no file, an unsound one, or one with no interactions.
    package func load(_ url: URL) throws -> Cassette {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CassetteError.notFound(path: url.path, mode: mode.rawValue, hint: options.rules.reRecordingHint)
        }
        let cassette = try CassetteFile.load(url, rules: options.rules)
        guard !cassette.interactions.isEmpty else {
            throw CassetteError.empty(path: url.path, hint: options.rules.reRecordingHint)
        }
        return cassette
    }

    /// Opens the cassette at `url`: replays it, or starts recording into it, as the mode decides.
    ///
    /// - Parameters:
    ///   - url: the cassette file, where a recording goes.
    ///   - alternatives: other places to replay the same cassette from when `url` does not exist (a test bundle's
    ///     copy); the mode decides on `url` alone.
    ///   - upstream: the live transport and the secrets it carries, made only when the mode records, after the CI
    ///     guard.
    /// - Returns: the replaying or the recording transport.
    /// - Throws: ``CassetteError`` (nothing to replay, an unsound or empty cassette, recording refused in CI, a file
    ///   that is not a cassette where a recording would go), or what `upstream` throws.
    package func open(
        _ url: URL, replayingFrom alternatives: [URL] = [], recordingThrough upstream: () throws -> RecordingUpstream
    ) throws -> OpenedCassette {
        switch mode.action(existing: FileManager.default.fileExists(atPath: url.path)) {
        case .replay, .refuse:
            let source =
                ([url] + alternatives).first { FileManager.default.fileExists(atPath: $0.path) } ?? url
            let cassette = try load(source)
            return .replaying(
                ReplayingTransport(
                    cassette: cassette, path: source.path, rules: options.rules, matching: options.matching,
                    allowRepeats: options.allowRepeats, recordMode: mode.rawValue))
        case .recordAfresh, .extend:
            try checkRecordingAllowed(url.path)
            return .recording(try recording(url, upstream: try upstream()))
        }
    }

    /// ``open(_:replayingFrom:recordingThrough:)`` with an upstream that carries no secrets of its own (those of the
    /// options apply).
    package func open(
        _ url: URL, replayingFrom alternatives: [URL] = [], upstream: () throws -> any Transport
    ) throws -> OpenedCassette {
        try open(url, replayingFrom: alternatives, recordingThrough: { RecordingUpstream(try upstream()) })
    }

    /// Opens `url`, runs `body` on its transport, and commits a recording only if it is whole. `upstream` is made
    /// only when the mode records.
    ///
    /// - Returns: what `body` returned.
    /// - Throws: what `body` threw (the cassette is then kept as it was); ``CassetteError`` from opening, or
    ///   `recordingKept` when the body succeeded but the recording is not whole (an exchange failed on the way and the
    ///   body recovered).
    public func run<Result: Sendable>(
        _ url: URL, upstream: @autoclosure () throws -> any Transport,
        _ body: (any Transport) async throws -> Result
    ) async throws -> Result {
        let opened = try open(url, upstream: upstream)
        let result: Result
        do {
            result = try await body(opened.transport)
        } catch {
            _ = try? await opened.commit(after: error)
            throw error
        }
        try await opened.commit()
        return result
    }

    /// The recording of `url` under this mode (the CI guard is the caller's): afresh, or extending the file's
    /// interactions.
    func recording(_ url: URL, upstream: RecordingUpstream) throws -> RecordingTransport {
        let rules = options.rules.keepingRequestHeaders(options.matching.headerFields)
        let current = try? Data(contentsOf: url)
        let action = mode.action(existing: current != nil)
        var start = Cassette(
            region: options.region, source: options.rewrite == nil ? .live : .simulator,
            recordedWith: rules.recorder)
        start.scenario = options.scenario
        var from = CassetteRecorder.Start.afresh
        if let current {
            let existing = try CassetteFile.load(current, from: url, rules: rules)
            start.scenario = options.scenario ?? existing.scenario
            if case .extend(let dropsUnused) = action {
                from = .extending(dropsUnused: dropsUnused)
                // update: every recorder of the file in this process starts from what it held when the run began.
                let original = dropsUnused ? UpdateLedger.original(of: url, current: current) : current
                start = try original.map { try CassetteFile.load($0, from: url, rules: rules) } ?? existing
            }
        }
        let recorder = CassetteRecorder(
            url: url, cassette: start, secrets: options.secrets + upstream.secrets, rules: rules,
            matching: options.matching, rewrite: options.rewrite, contract: options.contract,
            baseline: .some(current), start: from)
        if case .extending = from {
            return RecordingTransport(wrapping: upstream.transport, recorder: recorder, replayingFirst: true)
        }
        return RecordingTransport(wrapping: upstream.transport, recorder: recorder)
    }
}

/// What a recording sends through: the live transport, and the secrets it carries (the key it sends), which must never
/// be written.
package struct RecordingUpstream: Sendable {
    /// Where live requests go.
    package var transport: any Transport
    /// Values that must appear nowhere in the cassette (redacted, and a write that would hold one is refused).
    package var secrets: [String]

    /// An upstream of `transport` carrying `secrets`.
    package init(_ transport: any Transport, secrets: [String] = []) {
        self.transport = transport
        self.secrets = secrets
    }
}

/// A cassette opened by a ``CassetteDeck``: replaying, or recording.
package enum OpenedCassette: Sendable {
    /// Answers from the cassette alone.
    case replaying(ReplayingTransport)
    /// Records (and, in new-episodes and update, replays what the cassette already answers).
    case recording(RecordingTransport)

    /// The transport to send through.
    package var transport: any Transport {
        switch self {
        case .replaying(let replaying): replaying
        case .recording(let recording): recording
        }
    }

    /// Commits a recording whole (see ``RecordingTransport/commit(after:verifying:)``); a replay has nothing to write.
    ///
    /// - Returns: whether the file changed; `nil` for a replay.
    @discardableResult
    package func commit(
        after failure: (any Error)? = nil, verifying: (@Sendable (Cassette) async -> [String])? = nil
    ) async throws -> CassetteFile.WriteOutcome? {
        guard case .recording(let recording) = self else { return nil }
        return try await recording.commit(after: failure, verifying: verifying)
    }
}
