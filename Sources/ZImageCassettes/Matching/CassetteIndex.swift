import Foundation

/// The recorded interactions by their key under a ``RequestMatching``, for lookups that do not scan: identical requests
/// get their recorded answers in recorded order, each once (or, with repeats allowed, the last one again once all were
/// used).
///
/// Not thread-safe: ``ReplayingTransport`` guards it with a lock.
struct CassetteIndex {
    /// A request's key: one string per matcher.
    typealias Key = [String]

    private var queues: [Key: [Int]] = [:]
    private var next: [Key: Int] = [:]
    private(set) var used: Set<Int> = []
    /// The matchers in force, in order.
    let matchers: [RequestMatching.Matcher]
    /// Whether scheme and host take no part (a replay server reached under its own address).
    let ignoringHost: Bool
    let allowRepeats: Bool

    init(
        _ interactions: [Interaction], rules: CassetteRules, matching: RequestMatching = .default, ignoringHost: Bool,
        allowRepeats: Bool
    ) {
        self.matchers = matching.matchers(rules: rules, ignoringHost: ignoringHost)
        self.ignoringHost = ignoringHost
        self.allowRepeats = allowRepeats
        for (index, interaction) in interactions.enumerated() {
            queues[key(of: interaction.request), default: []].append(index)
        }
    }

    func key(of request: RecordedRequest) -> Key {
        key(of: ParsedRequest(request))
    }

    func key(of request: ParsedRequest) -> Key {
        matchers.map { $0.key(request) }
    }

    /// The index of the interaction that answers `request`, consuming it; `nil` on a miss.
    mutating func take(_ request: RecordedRequest) -> Int? {
        let key = key(of: request)
        guard let queue = queues[key], !queue.isEmpty else { return nil }
        let position = next[key, default: 0]
        if position < queue.count {
            next[key] = position + 1
            used.insert(queue[position])
            return queue[position]
        }
        return allowRepeats ? queue.last : nil
    }

    /// Adds an interaction recorded after the index was built (new-episodes mode), already used.
    mutating func append(_ interaction: Interaction, at index: Int) {
        let key = key(of: interaction.request)
        queues[key, default: []].append(index)
        next[key] = queues[key, default: []].count
        used.insert(index)
    }
}

extension Cassette {
    /// The first interaction whose request matches `request` as a replay would match it (strictly: method, scheme, host,
    /// path, query without signed parameters, canonical body), whether or not it was used.
    package func firstInteraction(matching request: RecordedRequest, rules: CassetteRules) -> Interaction? {
        let index = CassetteIndex([], rules: rules, ignoringHost: false, allowRepeats: false)
        let wanted = index.key(of: request)
        return interactions.first { index.key(of: $0.request) == wanted }
    }
}
