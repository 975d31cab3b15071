public import Foundation
public import ZImageHTTP

/// When a cassette is replayed and when it is recorded.
public enum RecordMode: String, Sendable, Hashable, CaseIterable {
    /// Replay only; a request without a recorded answer is an error. The default.
    case none
    /// Record when the cassette does not exist yet, else replay only.
    case once
    /// Replay what matches; record and append what does not.
    case newEpisodes = "new-episodes"
    /// Replay what matches, record what does not, and drop what was never requested: after a change to the code, the
    /// cassette ends up exactly what the run sent, in one step (new-episodes would keep the stale exchange, then
    /// unused).
    case update
    /// Always send live and record the cassette afresh.
    case all

    /// The environment variable that allows recording where `CI` is set.
    static let allowRecordingVariable = "ZIMAGE_ALLOW_RECORDING"

    /// Whether this mode may record (every mode but ``none``).
    public var records: Bool { self != .none }

    /// Refuses to record in CI: with `CI=true` (or `1`), recording `path` throws unless `ZIMAGE_ALLOW_RECORDING=1`, so that
    /// CI never records by accident. The one place this rule lives: recording transports and commands all call it.
    ///
    /// - Throws: ``CassetteError`` with code ``CassetteError/Code/recordingRefused``.
    public static func refuseRecordingInCI(_ path: String, mode: String, environment: [String: String]) throws {
        let inCI = ["true", "1"].contains(environment["CI"]?.lowercased() ?? "")
        if inCI && environment[allowRecordingVariable] != "1" {
            throw CassetteError.recordingRefused(path: path, mode: mode, ci: environment["CI"] ?? "true")
        }
    }

    /// Opens a cassette in this mode.
    ///
    /// - Parameters:
    ///   - url: the cassette file.
    ///   - upstream: makes the transport recorded from (the live one), called only when the mode records.
    ///   - options: rules, matching, secrets, region, rewrite, contract, repeats, and the environment read for `CI`.
    /// - Returns: the transport, and the recorder when the mode records.
    /// - Throws: ``CassetteError``: no cassette to replay, an unreadable one, or recording refused in CI.
    public func open(
        _ url: URL, upstream: () throws -> any Transport, options: CassetteOptions = CassetteOptions()
    ) throws
        -> OpenedCassette
    {
        let rules = options.rules
        let exists = FileManager.default.fileExists(atPath: url.path)
        if self == .none || (self == .once && exists) {
            guard exists else {
                throw CassetteError.notFound(path: url.path, mode: rawValue, hint: rules.reRecordingHint)
            }
            let cassette = try CassetteFile.load(url, rules: rules)
            let replay = ReplayingTransport(
                cassette: cassette, path: url.path, rules: rules, matching: options.matching,
                allowRepeats: options.allowRepeats, recordMode: rawValue)
            return OpenedCassette(transport: replay, recorder: nil)
        }
        let recording = try recording(url, upstream: upstream, options: options)
        return OpenedCassette(transport: recording, recorder: recording.recorder)
    }

    /// The recording transport of a mode that records, after the CI guard: starting afresh (all, once) or from the
    /// cassette's interactions (new-episodes, update).
    func recording(
        _ url: URL, upstream: () throws -> any Transport, options: CassetteOptions
    ) throws -> RecordingTransport {
        let rules = options.rules
        try Self.refuseRecordingInCI(url.path, mode: rawValue, environment: options.environment)
        var start = Cassette(
            region: options.region, source: options.rewrite == nil ? .live : .simulator,
            recordedWith: rules.recorder)
        // One read serves as the cassette to start from and as the baseline: another process may write in between.
        let baseline = try? Data(contentsOf: url)
        if let baseline {
            let existing = try CassetteFile.load(baseline, from: url, rules: rules)
            start.scenario = existing.scenario
            if self == .newEpisodes || self == .update {
                start = existing
            }
        }
        let recorder = CassetteRecorder(
            url: url, cassette: start, secrets: options.secrets, rules: rules,
            matching: options.matching, rewrite: options.rewrite, contract: options.contract,
            baseline: .some(baseline), droppingUnused: self == .update)
        let replayingFirst = self == .newEpisodes || self == .update
        return RecordingTransport(wrapping: try upstream(), recorder: recorder, replayingFirst: replayingFirst)
    }
}
