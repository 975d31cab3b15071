package import Foundation
package import ZImage

/// Collects recorded interactions and keeps the cassette file up to date, safely under concurrency.
///
/// Each interaction is moved to the real endpoints (when an ``OriginRewrite`` is given) and redacted before it is kept.
/// An answer carrying ``Cassette/sourceHeader`` `simulator` marks the cassette `source: simulator`, whatever URL it was
/// sent to (the header is dropped).
/// ``record(_:)`` returns only once the interaction is on disk; concurrent calls share writes (group commit), so 16 tasks
/// recording 1,000 interactions cause far fewer than 1,000 writes, and nothing recorded is lost. Every write is atomic
/// (see ``CassetteFile/write(_:to:secrets:baseline:)``): a crash mid-write leaves the previous file intact.
public actor CassetteRecorder {
    /// The cassette file.
    package let url: URL
    private var cassette: Cassette
    private let redactor: Redactor
    private let rewrite: OriginRewrite?
    private let contract: CassetteContract?
    private let baseline: Data?
    private var index: CassetteIndex
    /// The stored form of each interaction, prepared once when it is recorded.
    private var prepared: [CassetteFile.PreparedInteraction]
    private var persisted = 0
    private var writing: Task<CassetteFile.WriteOutcome, any Error>?
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
    ///   - secrets: values that must never be written (the API key).
    ///   - rules: the provider's credential headers and signed query parameters.
    ///   - rewrite: moves another origin's URLs onto the real hosts.
    ///   - contract: checks the recorded cassette at ``flush()``.
    ///   - lockTimeout: how long a write waits for another process's write to the same cassette.
    ///   - baseline: the file's bytes when recording began, read once with `cassette` when it came from the file (so
    ///     that no other process's write falls between the two); read here when not given.
    package init(url: URL, cassette: Cassette, secrets: [String], rules: CassetteRules, rewrite: OriginRewrite? = nil,
                 contract: CassetteContract? = nil, lockTimeout: Duration = .seconds(30), baseline: Data?? = nil) {
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
        self.index = CassetteIndex(cassette.interactions, rules: rules, ignoringHost: false, allowRepeats: false)
        self.prepared = cassette.interactions.map(CassetteFile.prepare)
        self.persisted = cassette.interactions.count
        var replaced = (try? CanonicalJSON.parse(self.baseline ?? Data())).flatMap { root -> [JSONValue]? in
            if case .object(let members) = root, case .array(let items)? = members["interactions"] { items } else { nil }
        } ?? []
        for kept in prepared.map(\.stored) {
            if let position = replaced.firstIndex(of: kept) { replaced.remove(at: position) }
        }
        self.replaced = replaced
        self.shared = SharedCassetteFile(url: url, lockTimeout: lockTimeout)
    }

    /// The cassette as recorded so far.
    package var snapshot: Cassette { cassette }

    /// Sets the metadata the cassette stores as its scenario.
    package func setScenario(_ scenario: JSONValue?) {
        cassette.scenario = scenario
    }

    /// An earlier interaction (of the cassette this recorder started from) that answers `request`, consumed; for the
    /// new-episodes mode, which replays what it has and records only what it lacks.
    func replay(_ request: RecordedRequest) -> RecordedResponse? {
        let moved = rewrite.map { RecordedRequest(method: request.method, url: $0.apply(request.url), headers: request.headers,
                                                  body: request.body) } ?? request
        return index.take(moved).map { cassette.interactions[$0].response }
    }

    /// Keeps one exchange and returns once it is written.
    @discardableResult
    package func record(_ interaction: Interaction) async throws -> Int {
        var interaction = interaction
        if let declared = interaction.response.headers.first(where: { $0.key.lowercased() == Cassette.sourceHeader.lowercased() }) {
            interaction.response.headers.removeValue(forKey: declared.key)
            if declared.value == Cassette.Source.simulator.rawValue { cassette.source = .simulator }
        }
        let kept = redactor.redact(rewrite?.apply(interaction) ?? interaction)
        cassette.interactions.append(kept)
        prepared.append(CassetteFile.prepare(kept))
        let position = cassette.interactions.count - 1
        index.append(kept, at: position)
        try await persist(through: cassette.interactions.count)
        return position
    }

    /// Writes whatever is not written yet (the scenario, say), keeping the file as it was before this recording when the
    /// exchanges came out the same, and tells whether the file now differs from it.
    public func flush() async throws -> CassetteFile.WriteOutcome {
        if let writing { _ = try await writing.value }
        _ = try await startWrite(final: true).value
        violations = contract?(cassette) ?? []
        return (try? Data(contentsOf: url)) == baseline ? .unchanged : .written
    }

    private func persist(through count: Int) async throws {
        while persisted < count {
            if let writing {
                _ = try await writing.value
            } else {
                _ = try await startWrite().value
            }
        }
    }

    /// Starts writing what is not on disk yet, merged under the lock with what other processes wrote (see
    /// ``SharedCassetteFile``). Only the final write compares with the baseline (to keep an unchanged file byte for
    /// byte); intermediate ones just make what was recorded durable.
    private func startWrite(final: Bool = false) -> Task<CassetteFile.WriteOutcome, any Error> {
        let count = cassette.interactions.count
        let added = prepared[persisted..<count].map(\.stored)
        let sidecars = prepared[persisted..<count].flatMap(\.sidecars)
        let (metadata, shared, last, secrets, replaced) = (cassette, shared, lastWrite, redactor.secrets, replaced)
        let baseline: CassetteFile.Baseline = final ? self.baseline.map { .bytes($0) } ?? .none : .none
        let task = Task<CassetteFile.WriteOutcome, any Error> {
            defer { writing = nil }
            // Locking, reading and writing block: they run on a Dispatch thread, never on Swift's cooperative pool.
            let (outcome, written) = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global(qos: .utility).async {
                    continuation.resume(with: Result {
                        try shared.write(metadata, replacing: replaced, added: added, sidecars: sidecars, secrets: secrets,
                                         baseline: baseline, last: last)
                    })
                }
            }
            lastWrite = written
            self.replaced = []
            persisted = max(persisted, count)
            return outcome
        }
        writing = task
        return task
    }
}
