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
    /// What a recorded request must share with a sent one (and, for the header fields it reads, what a recording keeps).
    var matching: RequestMatching = .default
    /// What a recording keeps and redacts: DashScope's by default.
    var rules: CassetteRules = .dashScope
    /// What a recording goes to; `nil` reads ``againstVariable``.
    var recordAgainst: RecordTarget?
    /// Failures the in-process simulator plays first when recording against it (error paths become cassettes too).
    var simulate: [DashScopeFault] = []
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

    /// The DashScope rules with the harness's own advice (environment variables, never the command line's flags) and the
    /// test's matching.
    private var harnessRules: CassetteRules {
        var rules = self.rules
        rules.reRecordingHint = Self.reRecordingHint
        return rules
    }

    /// Runs `body` with a client on the cassette, then reports misses, unused interactions and contract breaks as issues at
    /// the test's source location. Returns `nil` when the body stopped at a cassette miss (already reported).
    func run<Result: Sendable>(_ body: (ZImageClient) async throws -> Result) async throws -> Result? {
        try CassetteNaming.validate(name)
        let mode = try resolvedMode()
        let bundled = bundleDirectory.map { $0.appendingPathComponent("\(name).json") }
        do {
            guard CassetteDeck(mode: mode).records(file) else {
                return try await replay(mode: mode, from: [bundled].compactMap { $0 }, body)
            }
            return try await record(mode: mode, body)
        } catch let error as CassetteError where error.code == .recordingRefused || error.code == .notFound {
            // XCTest puts a thrown error at <EXPR>:0: the withCassette line gets it too.
            HarnessReport.reportUnderXCTest(error.description, at: location)
            throw error
        }
    }

    // MARK: - Replay

    private func replay<Result: Sendable>(
        mode: RecordMode, from alternatives: [URL], _ body: (ZImageClient) async throws -> Result
    ) async throws -> Result? {
        let prepared = try ClientMode.cassette(file, mode).prepare(
            region: region, baseURL: nil, environment: environment, matching: matching, rules: harnessRules,
            replayingFrom: alternatives
        ) {
            throw CassetteTestError("a replay tried to reach the network")
        }
        guard case .replaying(let replaying)? = prepared.cassette else {
            throw CassetteTestError("the cassette \(file.path) was to be replayed, and was opened for recording")
        }
        let url = URL(fileURLWithPath: replaying.path)
        if let warning = Self.staleWarning(replaying.cassette, file: url) {
            HarnessReport.report(warning, severity: .warning, at: location)
        }
        let observed = MissObserver(upstream: replaying)
        let faults = FaultLedger()
        let outcome = await capture {
            try await FaultScope.$ledger.withValue(faults) {
                try await body(prepared.client(region: region).with(transport: observed))
            }
        }
        reportMisses(observed.misses)
        // A test that played a fault (withFault) may stop before the recorded answers: what it left is not reported.
        if case .success = outcome, !allowUnused, !faults.playedAny {
            let unused = replaying.unusedInteractions
            if !unused.isEmpty {
                HarnessReport.report(
                    unusedReport(unused, in: replaying, sent: observed.sent, file: url), at: location)
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
        mode: RecordMode, _ body: (ZImageClient) async throws -> Result
    ) async throws -> Result? {
        try CassetteDeck(mode: mode, options: CassetteOptions(environment: environment)).checkRecordingAllowed(
            file.path)
        switch try resolvedTarget() {
        case .dashScope:
            let baseURL = try environment[Self.baseURLVariable].flatMap { text -> URL? in
                guard !text.isEmpty else { return nil }
                guard let url = APIURL.parse(text) else {
                    let problem = APIURL.carriesCredentials(text) ? ", which \(APIURL.credentialsProblem)" : ""
                    throw CassetteTestError(
                        "\(Self.baseURLVariable) is \"\(APIURL.shown(text))\"\(problem); allowed: an http:// or "
                            + "https:// origin without user:password@, such as a zimage serve simulate's")
                }
                return url
            }
            let region = region
            return try await record(
                mode: mode, against: baseURL, environment: environment, waits: true,
                upstream: {
                    let live = try CurlTransport(environment: environment)
                    return baseURL.map { HostRedirect(upstream: live, host: region.host, origin: $0) } ?? live
                }, body)
        case .simulator:
            // A simulation of the region for this test alone, with its faults, in this process: no key, no binary, no
            // socket, `source: simulator`.
            let key = APIKey("sk-test-in-process-recording")
            let simulation = SimulationTransport(simulating: region, acceptingKey: key, playing: simulate)
            var environment = environment
            environment["DASHSCOPE_API_KEY"] = key.value
            let outcome = await capture {
                try await record(
                    mode: mode, against: simulation.origin, environment: environment, waits: false,
                    upstream: { simulation }, body)
            }
            return try outcome.get()
        }
    }

    /// Records into the cassette beside the test through `upstream`, against `baseURL` (a simulator, whose URLs are
    /// stored under the region's hosts) or the region's real endpoint. Written once when the test ends, only if the
    /// recording is whole (every exchange completed, the body did not throw, the contract kept), merged under a lock
    /// with what other tests recording into the same cassette wrote meanwhile.
    /// Without `waits`, `Retry-After` and backoff are skipped (an in-process simulator gains nothing from real waits).
    private func record<Result: Sendable>(
        mode: RecordMode, against baseURL: URL?, environment: [String: String], waits: Bool,
        upstream: () throws -> any Transport, _ body: (ZImageClient) async throws -> Result
    ) async throws -> Result? {
        let region = region
        var prepared = try ClientMode.cassette(file, mode).prepare(
            region: region, baseURL: baseURL, environment: environment, matching: matching, rules: harnessRules,
            makeLiveTransport: upstream)
        if !waits { prepared.timekeeper = .instant() }
        let faults = FaultLedger()
        let outcome = await capture {
            try await FaultScope.$ledger.withValue(faults) { try await body(prepared.client(region: region)) }
        }
        if faults.playedAny {
            HarnessReport.report(
                "This test played faults (withFault) while \(file.path) was being recorded, so what it recorded is not "
                    + "kept: record the cassette through a test that plays no fault, and replay it with the faults.",
                severity: .warning, at: location)
            return try outcome.get()
        }
        do {
            try await prepared.cassette?.commit(after: outcome.failure)
        } catch let error as CassetteError where error.code == .recordingKept {
            // A failure of the test at the trait or the withCassette line; when the body threw, its error fails the
            // test too, and this says what became of the cassette.
            HarnessReport.report(error.description, at: location)
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

    /// Each unused interaction, and what tells it apart from the nearest request of the same method the test did send
    /// (two POSTs to one URL differ in their bodies; an unused image download is compared with the downloads).
    func unusedReport(
        _ unused: [Int], in replaying: ReplayingTransport, sent: [RecordedRequest], file: URL
    ) -> String {
        var lines = [
            "The test never requested \(unused.count) recorded interaction\(unused.count == 1 ? "" : "s") of \(file.path):"
        ]
        for position in unused {
            let request = replaying.cassette.interactions[position].request
            lines.append("  #\(position) \(request.method) \(ImageDownloader.locationWithoutQuery(request.url))")
            let sameMethod = sent.filter { $0.method.uppercased() == request.method.uppercased() }
            let nearest = sameMethod.compactMap { replaying.comparison(ofInteraction: position, with: $0) }
                .min { $0.mismatches < $1.mismatches }
            if let nearest {
                let differing = nearest.parts.filter { !$0.matched }.map { "\($0.name): \($0.detail)" }
                lines.append(
                    "    unlike the nearest request the test sent, it differs in " + differing.joined(separator: "; "))
            } else if sent.isEmpty {
                lines.append("    the test sent no request at all")
            } else {
                lines.append("    the test sent no \(request.method) request at all")
            }
        }
        lines.append(
            "The code under test changed, or the cassette holds more than it needs: to record what it sends now and "
                + "drop the rest, \(Self.reRecordingHint); or allow unused interactions (\(allowUnusedAdvice))."
        )
        return lines.joined(separator: "\n")
    }

    /// How this test allows unused interactions, in the syntax it is written in: the trait's, or `withCassette`'s.
    private var allowUnusedAdvice: String {
        switch location {
        case .test: ".cassette(\"\(name)\", allowUnused: true)"
        case .call: "withCassette(\"\(name)\", allowUnused: true) { client in … }"
        }
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
    /// The error, for a failure.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }

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
