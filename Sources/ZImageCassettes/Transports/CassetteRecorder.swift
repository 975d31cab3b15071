public import Foundation
import ZImageHTTP

/// Collects recorded interactions and keeps the cassette file up to date, safely under concurrency.
///
/// Each interaction is moved to the real endpoints (when an ``OriginRewrite`` is given) and redacted before it is kept.
/// An answer carrying ``Cassette/sourceHeader`` `simulator` marks the cassette `source: simulator`, whatever URL it was
/// sent to (the header is dropped).
/// ``record(_:)`` keeps the interaction in memory; ``flush()`` writes the whole recording at once, merged under a lock
/// with what other recorders (other tests, other processes) wrote to the same file meanwhile (`SharedCassetteFile`).
/// Until then the file on disk is untouched: a recording killed at any moment (Ctrl-C, SIGTERM, a crash) leaves every
/// cassette as its old bytes, and a flushed one is its complete new bytes, never a recording cut halfway. Every write
/// is atomic (see ``CassetteFile/write(_:to:secrets:baseline:)``).
public actor CassetteRecorder {
    /// The cassette file.
    public let url: URL
    private var cassette: Cassette
    private let redactor: Redactor
    private let rewrite: OriginRewrite?
    private let contract: CassetteContract?
    private let baseline: Data?
    private var index: CassetteIndex
    /// The stored form of each interaction, prepared once when it is recorded.
    private var prepared: [CassetteFile.PreparedInteraction]
    /// How many of ``prepared`` are on disk.
    private var persisted = 0
    /// The latest flush, which the next one waits for.
    private var flushing: Task<CassetteFile.WriteOutcome, any Error>?
    /// Whether the first write drops what the cassette held and this recording never replayed (the update mode).
    private let droppingUnused: Bool
    /// How many interactions the cassette held when recording began.
    private let originalCount: Int
    /// The file as other processes share it, and what this recorder last wrote to it.
    private let shared: SharedCassetteFile
    private var lastWrite: SharedCassetteFile.LastWrite?
    /// What the file held when recording began and the recording does not start from: the first write leaves it out.
    private var replaced: [JSONValue]
    /// Contract violations in what was recorded, by interaction position; checked over the whole cassette by
    /// ``flush()`` with the contract given (an image download comes after its generation, so its size is checkable only
    /// then). Always empty without a contract.
    public private(set) var violations: [ContractViolation] = []

    /// Starts recording into `url`, on top of the interactions of `cassette` (none to record afresh).
    ///
    /// - Parameters:
    ///   - url: the cassette's file.
    ///   - cassette: the interactions recording starts from (none to record afresh).
    ///   - secrets: values that must never be written (the API key).
    ///   - rules: the provider's credential headers and signed query parameters.
    ///   - matching: how new-episodes finds what the cassette already answers.
    ///   - rewrite: moves another origin's URLs onto the real hosts.
    ///   - contract: checks the recorded cassette at ``flush()``.
    ///   - lockTimeout: how long a write waits for another process's write to the same cassette.
    ///   - baseline: the file's bytes when recording began, read once with `cassette` when it came from the file (so
    ///     that no other process's write falls between the two); read here when not given.
    ///   - droppingUnused: at ``flush()``, leave out the recorded interactions no request used (record mode `update`).
    public init(
        url: URL, cassette: Cassette, secrets: [String], rules: CassetteRules, matching: RequestMatching = .default,
        rewrite: OriginRewrite? = nil, contract: CassetteContract? = nil, lockTimeout: Duration = .seconds(30),
        baseline: Data?? = nil, droppingUnused: Bool = false
    ) {
        self.droppingUnused = droppingUnused
        self.originalCount = cassette.interactions.count
        self.url = url
        self.cassette = cassette
        self.redactor = Redactor(secrets: secrets, rules: rules)
        self.rewrite = rewrite
        self.contract = contract
        if let baseline {
            self.baseline = baseline
        } else {
            self.baseline = try? Data(contentsOf: url)
        }
        self.index = CassetteIndex(
            cassette.interactions, rules: rules, matching: matching, ignoringHost: false, allowRepeats: false)
        self.prepared = cassette.interactions.map(CassetteFile.prepare)
        self.persisted = cassette.interactions.count
        var replaced =
            (try? CanonicalJSON.parse(self.baseline ?? Data())).flatMap { root -> [JSONValue]? in
                if case .object(let members) = root, case .array(let items)? = members["interactions"] {
                    items
                } else {
                    nil
                }
            } ?? []
        for kept in prepared.map(\.stored) {
            if let position = replaced.firstIndex(of: kept) { replaced.remove(at: position) }
        }
        self.replaced = replaced
        self.shared = SharedCassetteFile(url: url, lockTimeout: lockTimeout)
    }

    /// The cassette as recorded so far.
    var snapshot: Cassette { cassette }

    /// Sets the metadata the cassette stores as its scenario.
    func setScenario(_ scenario: JSONValue?) {
        cassette.scenario = scenario
    }

    /// An earlier interaction (of the cassette this recorder started from) that answers `request`, consumed; for the
    /// new-episodes mode, which replays what it has and records only what it lacks.
    func replay(_ request: RecordedRequest) -> RecordedResponse? {
        let moved =
            rewrite.map {
                RecordedRequest(
                    method: request.method, url: $0.apply(request.url), headers: request.headers,
                    body: request.body)
            } ?? request
        return index.take(moved).map { cassette.interactions[$0].response }
    }

    /// Keeps one exchange in memory (``flush()`` writes it) and returns its position in the recording.
    @discardableResult
    public func record(_ interaction: Interaction) -> Int {
        var interaction = interaction
        if let declared = interaction.response.headers.first(where: {
            $0.key.lowercased() == Cassette.sourceHeader.lowercased()
        }) {
            interaction.response.headers.removeValue(forKey: declared.key)
            if declared.value == Cassette.Source.simulator.rawValue { cassette.source = .simulator }
        }
        let kept = redactor.redact(rewrite?.apply(interaction) ?? interaction)
        cassette.interactions.append(kept)
        prepared.append(CassetteFile.prepare(kept))
        let position = cassette.interactions.count - 1
        index.append(kept, at: position)
        return position
    }

    /// Writes the recording: what is not written yet, merged under the lock with what other recorders wrote, keeping
    /// the file as it was before this recording when the exchanges came out the same; tells whether the file now
    /// differs from it. May be called more than once (each call writes what came since).
    public func flush() async throws -> CassetteFile.WriteOutcome {
        try await flush(keepingContractBreaks: true)
    }

    /// ``flush()``, except that with `keepingContractBreaks` false a recording that breaks the contract it was given is
    /// not written at all (its ``violations`` say why) and the file stays as it was.
    ///
    /// Flushes run one after another: a flush waits on the actor for its write, and one started meanwhile must not
    /// write the same interactions again.
    public func flush(keepingContractBreaks: Bool) async throws -> CassetteFile.WriteOutcome {
        let previous = flushing
        let task = Task {
            _ = try? await previous?.value
            return try await writePending(keepingContractBreaks: keepingContractBreaks)
        }
        flushing = task
        return try await task.value
    }

    private func writePending(keepingContractBreaks: Bool) async throws -> CassetteFile.WriteOutcome {
        violations = contract?(cassette) ?? []
        if !keepingContractBreaks && !violations.isEmpty { return .unchanged }
        let count = cassette.interactions.count
        let added = prepared[persisted..<count].map(\.stored)
        let sidecars = prepared[persisted..<count].flatMap(\.sidecars)
        var dropped = self.replaced
        if droppingUnused && persisted == originalCount {
            let used = index.used
            dropped += (0..<originalCount).filter { !used.contains($0) }.map { prepared[$0].stored }
        }
        let replaced = dropped
        let (metadata, shared, last, secrets) = (cassette, shared, lastWrite, redactor.secrets)
        let baseline: CassetteFile.Baseline = self.baseline.map { .bytes($0) } ?? .none
        let started = self.baseline
        // Locking, reading and writing block: they run on a Dispatch thread, never on Swift's cooperative pool.
        let (_, written) = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(
                    with: Result {
                        try shared.write(
                            metadata, replacing: replaced, started: started, added: added, sidecars: sidecars,
                            secrets: secrets, baseline: baseline, last: last)
                    })
            }
        }
        lastWrite = written
        self.replaced = []
        persisted = max(persisted, count)
        return (try? Data(contentsOf: url)) == self.baseline ? .unchanged : .written
    }
}
