import Foundation
import ZImage
import ZImageCassettes
import ZImageContract
import ZImageCurl

/// One test's use of one cassette: where the file is, whether it replays or records, and what is reported afterwards.
/// The trait and the closure API both run through here.
struct CassetteSession: Sendable {
    /// The environment variable that chooses the record mode when the test does not.
    static let modeVariable = "ZIMAGE_RECORD_MODE"
    /// The environment variable that sends recordings to another origin (a simulator), as for the skill.
    static let baseURLVariable = "DASHSCOPE_BASE_URL"
    /// The environment variable that chooses what a recording goes to: `simulator` (an in-process simulator, no key, no
    /// binary) or `dashscope` (the default: the real API, or `DASHSCOPE_BASE_URL`).
    static let againstVariable = "ZIMAGE_RECORD_AGAINST"

    var name: String
    var mode: RecordMode?
    var region: Region
    var allowUnused: Bool
    /// What a recorded request must share with a sent one.
    var matching: RequestMatching = .default
    /// What a recording goes to; `nil` reads ``againstVariable``.
    var recordAgainst: RecordTarget?
    /// Failures the in-process simulator plays first when recording against it (error paths become cassettes too).
    var simulate: [SimulatedFailure] = []
    /// `Cassettes/` beside the test's source file: where recordings go and replays look first.
    var directory: URL
    /// `Cassettes/` among the test target's resources, for replays when the sources are not there.
    var bundleDirectory: URL?
    var environment: [String: String]
    /// Where reports point.
    var location: ReportLocation

    init(
        name: String, mode: RecordMode?, region: Region, allowUnused: Bool, directory: URL, bundle: Bundle?,
        environment: [String: String], location: ReportLocation
    ) {
        (self.name, self.mode, self.region, self.allowUnused) = (name, mode, region, allowUnused)
        self.directory = directory
        bundleDirectory = bundle?.resourceURL?.appendingPathComponent("Cassettes")
        self.environment = environment
        self.location = location
    }

    /// The cassette file beside the source.
    var file: URL { directory.appendingPathComponent("\(name).json") }

    /// The record mode: the test's own, else `ZIMAGE_RECORD_MODE`, else `none`.
    func resolvedMode() throws -> RecordMode {
        try choice(mode, from: Self.modeVariable, default: .none, note: "none, the default, only replays")
    }

    /// `given` when the test chose, else the value of the environment `variable`, else `fallback`.
    ///
    /// - Throws: ``CassetteTestError`` for a value that is none of the choices, naming them.
    private func choice<Choice: RawRepresentable & CaseIterable>(
        _ given: Choice?, from variable: String, default fallback: Choice, note: String
    ) throws -> Choice where Choice.RawValue == String {
        if let given { return given }
        guard let value = environment[variable], !value.isEmpty else { return fallback }
        guard let choice = Choice(rawValue: value) else {
            throw CassetteTestError(
                "\(variable) is \"\(value)\"; allowed: "
                    + Choice.allCases.map(\.rawValue).joined(separator: ", ") + " (\(note))")
        }
        return choice
    }

    /// Runs `body` with a client on the cassette, then reports misses, unused interactions and contract breaks as issues at
    /// the test's source location. Returns `nil` when the body stopped at a cassette miss (already reported).
    func run<Result: Sendable>(_ body: (ZImageClient) async throws -> Result) async throws -> Result? {
        let mode = try resolvedMode()
        let existing = FileManager.default.fileExists(atPath: file.path)
        if mode == .none || (mode == .once && existing) {
            return try await replay(mode: mode, body)
        }
        return try await record(mode: mode, existing: existing, body)
    }

    // MARK: - Replay

    private func replay<Result: Sendable>(
        mode: RecordMode, _ body: (ZImageClient) async throws -> Result
    ) async throws -> Result? {
        let bundled = bundleDirectory.map { $0.appendingPathComponent("\(name).json") }
        guard
            let url = [file, bundled].compactMap({ $0 }).first(where: {
                FileManager.default.fileExists(atPath: $0.path)
            })
        else {
            throw CassetteTestError(
                "No cassette \(name).json in \(directory.path)\(bundleDirectory == nil ? "" : " or the test bundle"): "
                    + "record it by running this test with \(Self.modeVariable)=once, and DASHSCOPE_API_KEY (or "
                    + "\(Self.againstVariable)=simulator, which records against an in-process simulator with no key)")
        }
        let prepared = try ClientMode.cassette(url, mode).prepare(
            region: region, baseURL: nil, environment: environment,
            matching: matching
        ) {
            throw CassetteTestError("a replay tried to reach the network")
        }
        if let replaying = prepared.transport as? ReplayingTransport,
            let warning = Self.staleWarning(replaying.cassette, file: url)
        {
            HarnessReport.report(warning, severity: .warning, at: location)
        }
        let observed = MissObserver(upstream: prepared.transport)
        let outcome = await capture { try await body(prepared.client(region: region).with(transport: observed)) }
        reportMisses(observed.misses)
        if case .success = outcome, !allowUnused, let replaying = prepared.transport as? ReplayingTransport {
            let unused = replaying.unusedInteractions
            if !unused.isEmpty {
                HarnessReport.report(
                    Self.unusedReport(unused, in: replaying, sent: observed.sent, file: url, name: name),
                    at: location)
            }
        }
        return try outcome.value(ignoringMissesIn: observed)
    }

    // MARK: - Record

    /// What a recording goes to: the trait's, else ``againstVariable``, else DashScope.
    func resolvedTarget() throws -> RecordTarget {
        try choice(
            recordAgainst, from: Self.againstVariable, default: .dashScope,
            note: "dashscope, the default, records the real API")
    }

    private func record<Result: Sendable>(
        mode: RecordMode, existing: Bool, _ body: (ZImageClient) async throws -> Result
    )
        async throws -> Result?
    {
        try RecordMode.refuseRecordingInCI(file.path, mode: mode.rawValue, environment: environment)
        switch try resolvedTarget() {
        case .dashScope:
            let baseURL = environment[Self.baseURLVariable].flatMap { $0.isEmpty ? nil : URL(string: $0) }
            return try await record(mode: mode, against: baseURL, environment: environment, waits: true, body)
        case .simulator:
            // A simulator of the region for this test alone, with its faults: no key, no binary, `source: simulator`.
            let key = APIKey("sk-test-in-process-recording")
            let server = try await SimulatorServer.start(
                simulating: DashScopeSimulation(region: region, acceptedKeys: [key.value]))
            for failure in simulate { server.inject(failure) }
            var environment = environment
            environment["DASHSCOPE_API_KEY"] = key.value
            let outcome = await capture {
                try await record(mode: mode, against: server.baseURL, environment: environment, waits: false, body)
            }
            await server.shutdown()
            return try outcome.get()
        }
    }

    /// Records into the cassette beside the test, against `baseURL` (a simulator) or the region's real endpoint. Written
    /// once when the test ends, merged under a lock with what other tests recording into the same cassette wrote
    /// meanwhile, and only if it keeps the contract. Without `waits`, `Retry-After` and backoff are skipped (an
    /// in-process simulator gains nothing from real waits).
    private func record<Result: Sendable>(
        mode: RecordMode, against baseURL: URL?, environment: [String: String], waits: Bool,
        _ body: (ZImageClient) async throws -> Result
    ) async throws -> Result? {
        let region = region
        var prepared = try ClientMode.cassette(file, mode).prepare(
            region: region, baseURL: baseURL, environment: environment,
            matching: matching
        ) {
            let live = try CurlTransport(environment: environment)
            return baseURL.map { HostRedirect(upstream: live, host: region.host, origin: $0) } ?? live
        }
        if !waits { prepared.timekeeper = .instant() }
        let outcome = await capture { try await body(prepared.client(region: region)) }
        if let recorder = prepared.recorder {
            _ = try await recorder.flush(keepingContractBreaks: false)
            let violations = await recorder.violations
            if !violations.isEmpty {
                HarnessReport.report(
                    "The recording of \(name) breaks the DashScope contract, so it was not written to "
                        + "\(file.path): " + violations.map(\.description).joined(separator: "; "), at: location)
            }
        }
        return try outcome.get()
    }

    // MARK: - Reports

    /// The warning for a cassette older than ``Cassette/staleAfterDays`` (the API may have drifted since), `nil` for a
    /// younger one: a warning, never a failure.
    static func staleWarning(_ cassette: Cassette, file: URL, now: Date = Date()) -> String? {
        guard let days = cassette.ageInDays(now: now), days > Cassette.staleAfterDays else { return nil }
        return
            "The cassette \(file.path) was recorded \(days) days ago (more than \(Cassette.staleAfterDays)): the API may have "
            + "drifted since; re-record it (\(modeVariable)=all with DASHSCOPE_API_KEY) to find out."
    }

    /// How to re-record from inside a test suite: environment variables, never the command line's flags.
    static let reRecordingHint =
        "run this test with \(modeVariable)=update (replays what still matches, records what "
        + "changed, drops what the test no longer sends), with DASHSCOPE_API_KEY, or with \(againstVariable)=simulator "
        + "to record against an in-process simulator"

    /// Each unused interaction, and what tells it apart from the nearest request the test did send (two POSTs to one URL
    /// differ in their bodies).
    static func unusedReport(
        _ unused: [Int], in replaying: ReplayingTransport, sent: [RecordedRequest], file: URL,
        name: String
    ) -> String {
        var lines = [
            "The test never requested \(unused.count) recorded interaction\(unused.count == 1 ? "" : "s") of \(file.path):"
        ]
        for position in unused {
            let request = replaying.cassette.interactions[position].request
            lines.append("  #\(position) \(request.method) \(ImageDownloader.locationWithoutQuery(request.url))")
            let nearest = sent.compactMap { replaying.comparison(ofInteraction: position, with: $0) }
                .min { $0.mismatches < $1.mismatches }
            if let nearest {
                let differing = nearest.parts.filter { !$0.matched }.map { "\($0.name): \($0.detail)" }
                lines.append(
                    "    unlike the nearest request the test sent, it differs in " + differing.joined(separator: "; "))
            } else {
                lines.append("    the test sent no request at all")
            }
        }
        lines.append(
            "The code under test changed, or the cassette holds more than it needs: to record what it sends now and "
                + "drop the rest, \(reRecordingHint); or allow unused interactions (.cassette(\"\(name)\", allowUnused: true))."
        )
        return lines.joined(separator: "\n")
    }

    private func reportMisses(_ misses: [CassetteMiss]) {
        let hint = Self.reRecordingHint
        for miss in misses {
            HarnessReport.report(
                "The cassette has no answer for a request the test made.\n" + miss.report(reRecording: hint),
                at: location)
        }
    }
}

/// Runs `body` and keeps its outcome, error included, so the session can report before it rethrows.
private func capture<Result: Sendable>(_ body: () async throws -> Result) async -> Swift.Result<Result, any Error> {
    do {
        return .success(try await body())
    } catch {
        return .failure(error)
    }
}

extension Swift.Result {
    /// The value; `nil` for a cassette miss the observer saw (it was reported already); else the error, rethrown.
    fileprivate func value(ignoringMissesIn observer: MissObserver) throws -> Success? {
        switch self {
        case .success(let value): return value
        case .failure(let error) where CassetteMiss(from: error) != nil && !observer.misses.isEmpty: return nil
        case .failure(let error): throw error
        }
    }
}

extension ZImageClient {
    /// The same client on another transport.
    fileprivate func with(transport: any Transport) -> ZImageClient {
        var copy = self
        copy.transport = transport
        return copy
    }
}

/// A failure of the harness itself: a cassette that is not there, a record mode that does not exist.
public struct CassetteTestError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
