/// When a cassette is replayed and when it is recorded: a value that carries its own policy, so that a new mode is one
/// more static member (and its line in the table below) and no caller's `switch` can break.
///
/// | mode           | the cassette exists                                        | it does not      | in CI    |
/// |----------------|------------------------------------------------------------|------------------|----------|
/// | `none`         | replays; a request without an answer is an error           | an error         | replays  |
/// | `once`         | replays, as `none` does                                    | records afresh   | refused* |
/// | `new-episodes` | replays what matches, records and appends the rest         | records afresh   | refused  |
/// | `update`       | as new-episodes, then drops what no recorder of it used    | records afresh   | refused  |
/// | `all`          | sends everything live and records afresh, replacing it     | records afresh   | refused  |
///
/// (*) `once` on an existing cassette only replays, which CI allows. "Used" in update means by any recorder of the
/// file during the run: every case of a shared cassette, and a parallel process, keep what they replayed.
///
/// In every mode that records, the file is written only when the recording is whole (see ``CassetteDeck``): otherwise
/// the old bytes stay. "Refused in CI" means: with `CI=true` (or `1`), recording throws unless
/// `ZIMAGE_ALLOW_RECORDING=1`, so that CI never records by accident.
///
/// The policy is read through ``CassetteDeck``, the one place a cassette is opened: callers ask a mode nothing but its
/// name and ``records``.
public struct RecordMode: Sendable, Hashable, CustomStringConvertible, RawRepresentable, CaseIterable {
    /// The mode's name, as `ZIMAGE_RECORD_MODE` and `--record-mode` spell it.
    public let rawValue: String
    /// What the mode does with an existing cassette and with a missing one.
    let policy: Policy

    /// What a mode does with a cassette file.
    struct Policy: Sendable, Hashable {
        /// With the file present.
        var existing: Action
        /// With no file.
        var missing: Action
    }

    /// One decision of a mode.
    enum Action: Sendable, Hashable {
        /// Answer from the file only.
        case replay
        /// There is nothing to replay, and this mode does not record.
        case refuse
        /// Record from nothing (replacing what the file held, when it exists).
        case recordAfresh
        /// Replay what the file answers and record the rest; `dropsUnused`: leave out, at the end, what no recorder of
        /// the file used during the run.
        case extend(dropsUnused: Bool)

        /// Whether the action records.
        var records: Bool {
            switch self {
            case .replay, .refuse: false
            case .recordAfresh, .extend: true
            }
        }
    }

    /// A mode named `name` with its policy: a new mode is one more static member (in a file of its own if it likes) and
    /// its entry in ``allCases`` and in the table above.
    init(_ name: String, existing: Action, missing: Action) {
        rawValue = name
        policy = Policy(existing: existing, missing: missing)
    }

    /// The mode named `rawValue` (`none`, `once`, `new-episodes`, `update`, `all`), `nil` for another name.
    public init?(rawValue: String) {
        guard let mode = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = mode
    }

    /// Replay only; a request without a recorded answer is an error. The default.
    public static let none = RecordMode("none", existing: .replay, missing: .refuse)
    /// Record when the cassette does not exist yet, else replay only.
    public static let once = RecordMode("once", existing: .replay, missing: .recordAfresh)
    /// Replay what matches; record and append what does not. Nothing recorded before is dropped.
    public static let newEpisodes = RecordMode(
        "new-episodes", existing: .extend(dropsUnused: false), missing: .recordAfresh)
    /// Replay what matches, record what does not, and drop what no recorder of the file used during the run: after a
    /// change to the code, the cassette ends up what the run sent, in one step (new-episodes would keep the stale
    /// exchange, then unused). The cases of a shared cassette and parallel processes each keep what they used.
    public static let update = RecordMode("update", existing: .extend(dropsUnused: true), missing: .recordAfresh)
    /// Always send live and record the cassette afresh.
    public static let all = RecordMode("all", existing: .recordAfresh, missing: .recordAfresh)

    /// Every mode, in the order of the table above.
    public static let allCases: [RecordMode] = [.none, .once, .newEpisodes, .update, .all]

    /// The environment variable that allows recording where `CI` is set.
    package static let allowRecordingVariable = "ZIMAGE_ALLOW_RECORDING"

    /// Whether this mode may record at all (every mode but ``none``).
    public var records: Bool { policy.existing.records || policy.missing.records }

    /// The mode's name.
    public var description: String { rawValue }

    /// What this mode does with a cassette that exists, or does not.
    func action(existing: Bool) -> Action {
        existing ? policy.existing : policy.missing
    }
}
