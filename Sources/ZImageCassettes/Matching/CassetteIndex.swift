import Foundation

/// The recorded interactions by signature, for lookups that do not scan: identical requests get their recorded answers
/// in recorded order, each once (or, with repeats allowed, the last one again once all were used).
///
/// Not thread-safe: ``ReplayingTransport`` guards it with a lock.
struct CassetteIndex {
    private var queues: [RequestSignature: [Int]] = [:]
    private var next: [RequestSignature: Int] = [:]
    private(set) var used: Set<Int> = []
    let ignoredQuery: Set<String>
    let ignoringHost: Bool
    let allowRepeats: Bool

    init(_ interactions: [Interaction], rules: CassetteRules, ignoringHost: Bool, allowRepeats: Bool) {
        self.ignoredQuery = rules.signedQueryParameters
        self.ignoringHost = ignoringHost
        self.allowRepeats = allowRepeats
        for (index, interaction) in interactions.enumerated() {
            queues[signature(of: interaction.request), default: []].append(index)
        }
    }

    func signature(of request: RecordedRequest) -> RequestSignature {
        RequestSignature(method: request.method, url: request.url, body: request.body, ignoredQuery: ignoredQuery,
                         ignoringHost: ignoringHost)
    }

    /// The index of the interaction that answers `request`, consuming it; `nil` on a miss.
    mutating func take(_ request: RecordedRequest) -> Int? {
        let key = signature(of: request)
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
        let key = signature(of: interaction.request)
        queues[key, default: []].append(index)
        next[key] = queues[key, default: []].count
        used.insert(index)
    }
}

extension Cassette {
    /// The first interaction whose request matches `request` as a replay would match it (method, scheme, host, path,
    /// query without signed parameters, canonical body), whether or not it was used.
    package func firstInteraction(matching request: RecordedRequest, rules: CassetteRules) -> Interaction? {
        let index = CassetteIndex([], rules: rules, ignoringHost: false, allowRepeats: false)
        let wanted = index.signature(of: request)
        return interactions.first { index.signature(of: $0.request) == wanted }
    }
}
