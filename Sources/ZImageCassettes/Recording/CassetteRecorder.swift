package import Foundation
import Synchronization
import ZImageHTTP

/// Collects the exchanges of one recording and commits them to the cassette file whole, or not at all.
///
/// Each interaction is moved to the real endpoints (when an ``OriginRewrite`` is given) and redacted before it is kept.
/// An answer carrying ``Cassette/sourceHeader`` `simulator` marks the cassette `source: simulator`, whatever URL it was
/// sent to (the header is dropped). Until ``commit(after:verifying:)`` the file on disk is untouched: a recording killed
/// at any moment (Ctrl-C, SIGTERM, a crash) leaves every cassette as its old bytes.
///
/// The commit rule: the file is written only when the recording is whole. Every exchange it began completed (no
/// transport failure, none still under way), the work that drove it did not fail (a thrown error, a cancelled task),
/// it holds at least one interaction, it keeps the contract it was given, and the caller's own check of it passed.
/// Otherwise the commit throws ``CassetteError`` `recordingKept` saying why, and the file keeps its old bytes. An HTTP
/// error answer is an exchange like any other; a transport failure never is.
///
/// A commit is merged under a lock with what other recorders of the same file (other tests, other processes) wrote
/// meanwhile (`SharedCassetteFile`), and every write is atomic.
package actor CassetteRecorder {
    /// How a recording relates to what the file held when it began.
    package enum Start: Sendable {
        /// From nothing: at the first commit the file's old interactions are replaced (while no other recorder has
        /// written the file since).
        case afresh
        /// From the file's interactions, replaying what they answer; `dropsUnused`: at the first commit, leave out those
        /// that no recorder of the file used during the run (record mode update).
        case extending(dropsUnused: Bool)
    }

    /// The cassette file.
    package let url: URL
    private var cassette: Cassette
    private let redactor: Redactor
    private let rewrite: OriginRewrite?
    private let contract: CassetteContract?
    private let baseline: Data?
    private let start: Start
    private var index: CassetteIndex
    /// The stored form of each interaction, prepared once when it is recorded.
    private var prepared: [CassetteFile.PreparedInteraction]
    /// How many of ``prepared`` are on disk.
    private var persisted = 0
    /// The latest commit, which the next one waits for.
    private var committing: Task<CassetteFile.WriteOutcome, any Error>?
    /// How many interactions the cassette held when recording began.
    private let originalCount: Int
    /// The file as other processes share it, and what this recorder last wrote to it.
    private let shared: SharedCassetteFile
    private var lastWrite: SharedCassetteFile.LastWrite?
    /// What the file held when a fresh recording began: the first commit leaves it out.
    private var replaced: [JSONValue]
    /// Exchanges begun and not yet ended.
    private var inFlight = 0
    /// Why exchanges failed, in order (redacted).
    private var failures: [String] = []
    /// Contract violations in what was recorded, by interaction position, as of the last commit. Always empty without a
    /// contract.
    package private(set) var violations: [ContractViolation] = []

    /// Starts recording into `url`, on top of the interactions of `cassette` (none to record afresh).
    ///
    /// - Parameters:
    ///   - url: the cassette's file.
    ///   - cassette: the interactions recording starts from (none to record afresh).
    ///   - secrets: values that must never be written (the API key).
    ///   - rules: the provider's credential headers and signed query parameters.
    ///   - matching: how a request finds what the cassette already answers.
    ///   - rewrite: moves another origin's URLs onto the real hosts.
    ///   - contract: checks the recorded cassette at each commit.
    ///   - lockTimeout: how long a write waits for another process's write to the same cassette.
    ///   - baseline: the file's bytes when recording began, read once with `cassette` when it came from the file (so
    ///     that no other process's write falls between the two); read here when not given.
    ///   - start: whether the recording replaces the file's interactions or extends them.
    package init(
        url: URL, cassette: Cassette, secrets: [String], rules: CassetteRules, matching: RequestMatching = .default,
        rewrite: OriginRewrite? = nil, contract: CassetteContract? = nil, lockTimeout: Duration = .seconds(30),
        baseline: Data?? = nil, start: Start = .afresh
    ) {
        self.start = start
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
        var replaced = Self.storedInteractions(of: self.baseline)
        for kept in prepared.map(\.stored) {
            if let position = replaced.firstIndex(of: kept) { replaced.remove(at: position) }
        }
        self.replaced = replaced
        self.shared = SharedCassetteFile(url: url, lockTimeout: lockTimeout)
    }

    /// The stored interactions of a cassette's bytes; none when there are no bytes or they are not a cassette.
    static func storedInteractions(of data: Data?) -> [JSONValue] {
        guard let data, case .object(let members)? = try? CanonicalJSON.parse(data),
            case .array(let items)? = members["interactions"]
        else { return [] }
        return items
    }

    /// The cassette as recorded so far.
    package var snapshot: Cassette { cassette }

    /// An earlier interaction (of the cassette this recorder started from) that answers `request`, consumed: the
    /// extending modes replay what they have and record only what they lack.
    func replay(_ request: RecordedRequest) -> RecordedResponse? {
        let moved =
            rewrite.map {
                RecordedRequest(
                    method: request.method, url: $0.apply(request.url), headers: request.headers,
                    body: request.body)
            } ?? request
        guard let position = index.take(moved) else { return nil }
        if position < originalCount { UpdateLedger.markUsed(prepared[position].stored, in: url) }
        return cassette.interactions[position].response
    }

    /// An exchange begins: the recording is not whole until it ends in ``finish(_:)`` or ``fail(_:)``.
    func begin() {
        inFlight += 1
    }

    /// The exchange begun last ended with an answer: keeps it.
    func finish(_ interaction: Interaction) {
        inFlight -= 1
        record(interaction)
    }

    /// The exchange begun last ended without an answer (a transport failure, a cancellation): the recording is no
    /// longer whole, and no commit will write it.
    func fail(_ error: any Error) {
        inFlight -= 1
        failures.append(redactor.clean(Self.describe(error)))
    }

    /// Keeps one exchange in memory (a commit writes it) and returns its position in the recording.
    @discardableResult
    package func record(_ interaction: Interaction) -> Int {
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

    /// Writes the recording if it is whole, else keeps the file as it is and throws why.
    ///
    /// What is written: what was not written yet, merged under the lock with what other recorders wrote, keeping the
    /// file byte for byte as it was when the exchanges came out the same. May be called more than once (each call
    /// writes what came since). Commits run one after another.
    ///
    /// - Parameters:
    ///   - failure: what the work that drove the recording threw, if it did: then nothing is written.
    ///   - verifying: the caller's own check of the recorded cassette (a scenario's expected outcome): each problem it
    ///     returns is a reason not to write.
    /// - Returns: whether the file changed.
    /// - Throws: ``CassetteError`` `recordingKept` naming the file and why it was kept; any error of the write itself
    ///   (the lock, a secret that would be written, the file system).
    package func commit(
        after failure: (any Error)? = nil, verifying: (@Sendable (Cassette) async -> [String])? = nil
    ) async throws -> CassetteFile.WriteOutcome {
        let previous = committing
        let failureText = failure.map { redactor.clean(Self.describe($0)) }
        let cancelled = failure is CancellationError || Task.isCancelled
        let task = Task {
            _ = try? await previous?.value
            return try await writeIfWhole(failure: failureText, cancelled: cancelled, verifying: verifying)
        }
        committing = task
        return try await task.value
    }

    /// Why the recording is not whole, in one sentence; `nil` when it is. What the exchanges themselves say (a failure,
    /// one under way, none at all) comes first: when they say something, the recording is not judged further.
    private func incompleteness(
        failure: String?, cancelled: Bool, verifying: (@Sendable (Cassette) async -> [String])?
    ) async -> String? {
        var reasons: [String] = []
        if let first = failures.first {
            let more =
                failures.count > 1 ? " and \(failures.count - 1) more exchange\(failures.count > 2 ? "s" : "")" : ""
            reasons.append("the recording failed (\(first))\(more)")
        } else if cancelled {
            reasons.append("the recording was cancelled")
        } else if let failure {
            reasons.append("the work that drove the recording failed (\(failure))")
        }
        if inFlight > 0 {
            reasons.append("\(inFlight) exchange\(inFlight == 1 ? "" : "s") it began never completed")
        }
        if reasons.isEmpty && keptInteractionCount == 0 {
            reasons.append("nothing was recorded")
        }
        if reasons.isEmpty {
            violations = contract?(cassette) ?? []
            if !violations.isEmpty {
                reasons.append("it breaks the contract (" + violations.map(\.description).joined(separator: "; ") + ")")
            }
            reasons += (await verifying?(cassette) ?? []).map(redactor.clean)
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// How many interactions the cassette would hold: every one recorded, less the originals update drops.
    private var keptInteractionCount: Int {
        guard case .extending(dropsUnused: true) = start else { return cassette.interactions.count }
        return cassette.interactions.count - originalCount + index.used.filter { $0 < originalCount }.count
    }

    private func writeIfWhole(
        failure: String?, cancelled: Bool, verifying: (@Sendable (Cassette) async -> [String])?
    ) async throws -> CassetteFile.WriteOutcome {
        if let reason = await incompleteness(failure: failure, cancelled: cancelled, verifying: verifying) {
            throw CassetteError.recordingKept(
                path: url.path, reason: reason, existed: FileManager.default.fileExists(atPath: url.path))
        }
        let count = cassette.interactions.count
        let change = pendingChange(upTo: count)
        let sidecars = prepared[persisted..<count].flatMap(\.sidecars)
        let (metadata, shared, last, secrets) = (cassette, shared, lastWrite, redactor.secrets)
        let volatile = redactor.rules.volatileQueryParameters
        let baseline: CassetteFile.Baseline = self.baseline.map { .bytes($0) } ?? .none
        // Locking, reading and writing block: they run on a Dispatch thread, never on Swift's cooperative pool.
        let (_, written) = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(
                    with: Result {
                        try shared.write(
                            metadata, change, sidecars: sidecars, secrets: secrets, volatileQueryParameters: volatile,
                            baseline: baseline, last: last)
                    })
            }
        }
        lastWrite = written
        replaced = []
        persisted = max(persisted, count)
        return (try? Data(contentsOf: url)) == self.baseline ? .unchanged : .written
    }

    /// What the next write changes in the file: the interactions recorded since the last write, and at the first
    /// write what the mode leaves out of the file's old ones (and, for update, puts back of those this recorder used
    /// that another recorder left out).
    private func pendingChange(upTo count: Int) -> SharedCassetteFile.Change {
        var change = SharedCassetteFile.Change(adding: prepared[persisted..<count].map(\.stored))
        let first = lastWrite == nil
        switch start {
        case .afresh where first:
            change.removing = replaced
            change.removesOnlyIfFileIs = .some(baseline)
        case .extending(dropsUnused: true) where first:
            let originals = prepared[0..<originalCount].map(\.stored)
            change.droppingUnusedOf = originals
            // Another process knows nothing of this one's ledger: once it has written, this one removes nothing.
            change.removesOnlyIfFileIs = .some(baseline)
            change.restoring = index.used.filter { $0 < originalCount }.sorted().map { originals[$0] }
        default:
            break
        }
        return change
    }

    /// An error as one line for a reason: its description, flattened.
    private static func describe(_ error: any Error) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// What each cassette held when the first recorder of this process opened it in record mode update, and which of its
/// interactions any recorder of the file used since. The cases of a shared cassette, recorded one after another or at
/// once, each start from what the file held when the run began and drop only what none of them used. Another process
/// has no part in this ledger: a recorder drops nothing once someone else has written the file since it opened it,
/// and puts back at its commit what it used and finds gone.
enum UpdateLedger {
    private struct Entry {
        var original: Data?
        var used: [JSONValue]
    }

    private static let entries = Mutex<[String: Entry]>([:])

    /// The bytes the file held when the first update recorder of this process opened it: `current` when this is the
    /// first.
    static func original(of url: URL, current: Data?) -> Data? {
        entries.withLock { entries in
            let key = url.standardizedFileURL.path
            if let entry = entries[key] { return entry.original }
            entries[key] = Entry(original: current, used: [])
            return current
        }
    }

    /// Notes that a recorder of `url` used `interaction` (in its stored form).
    static func markUsed(_ interaction: JSONValue, in url: URL) {
        entries.withLock { entries in
            let key = url.standardizedFileURL.path
            guard entries[key] != nil else { return }
            entries[key]?.used.append(interaction)
        }
    }

    /// Those of `originals` (each occurrence) that no recorder of `url` used in this process so far.
    static func unused(of originals: [JSONValue], in url: URL) -> [JSONValue] {
        var keep = entries.withLock { $0[url.standardizedFileURL.path]?.used ?? [] }
        return originals.filter { original in
            guard let position = keep.firstIndex(of: original) else { return true }
            keep.remove(at: position)
            return false
        }
    }
}
