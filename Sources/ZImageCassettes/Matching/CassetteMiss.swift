import Foundation
public import ZImage

/// Why no recorded interaction answers a request: the request, the nearest recorded ones part by part (which parts
/// matched, which JSON paths differ, with both values), the cassette, the record mode, and how to re-record.
///
/// A replaying transport keeps it as the ``TransportError/underlying`` cause of its failure, so it reaches whoever wants
/// it through ``init(from:)``, however many layers wrapped it.
public struct CassetteMiss: Error, Sendable, CustomStringConvertible {
    /// The request that found no answer.
    public var request: RecordedRequest
    /// The cassette searched.
    public var cassettePath: String
    /// The record mode in force.
    public var recordMode: String
    /// The nearest recorded requests, nearest first, with what differs.
    public var nearest: [Comparison]
    /// Whether an identical request was recorded, but its answers were all used already.
    public var exhausted: Bool

    /// One recorded request compared with the one sent.
    public struct Comparison: Sendable {
        /// Its position in the cassette (0-based).
        public var index: Int
        /// Its method and URL.
        public var summary: String
        /// Part by part: method, scheme, host, path, query, body.
        public var parts: [Part]

        var mismatches: Int { parts.filter { !$0.matched }.count }
    }

    /// One part of a request compared.
    public struct Part: Sendable {
        /// `method`, `scheme`, `host`, `path`, `query` or `body`.
        public var name: String
        /// Whether the recorded and the sent request agree on it.
        public var matched: Bool
        /// What differs, in words (empty when it matched).
        public var detail: String
        /// For a JSON body: the paths that differ, the recorded value on the left and the sent one on the right.
        public var differences: [JSONValue.Difference]
    }

    /// Finds the cassette miss that caused `error`, following ``ZImageError/underlying`` and ``TransportError/underlying``.
    public init?(from error: any Error) {
        var current: (any Error)? = error
        while let error = current {
            if let miss = error as? CassetteMiss {
                self = miss
                return
            }
            current = (error as? ZImageError)?.underlying ?? (error as? TransportError)?.underlying
        }
        return nil
    }

    /// Compares `request` with every recorded interaction and keeps the `limit` nearest.
    init(request: RecordedRequest, interactions: [Interaction], index: CassetteIndex, cassettePath: String, recordMode: String,
         limit: Int = 3) {
        self.request = request
        self.cassettePath = cassettePath
        self.recordMode = recordMode
        let sent = index.signature(of: request)
        let sentJSON = request.body.flatMap(JSONValue.init(parsing:))
        var comparisons: [(Comparison, Int)] = []
        var sameSignature = false
        for (position, interaction) in interactions.enumerated() {
            let recorded = index.signature(of: interaction.request)
            if recorded == sent { sameSignature = true }
            var parts: [Part] = []
            func part(_ name: String, _ a: String, _ b: String) {
                let detail = a == b ? "" : "recorded \(a.isEmpty ? "(none)" : a), sent \(b.isEmpty ? "(none)" : b)"
                parts.append(Part(name: name, matched: a == b, detail: detail, differences: []))
            }
            part("method", recorded.method, sent.method)
            if !index.ignoringHost {
                part("scheme", recorded.scheme, sent.scheme)
                part("host", recorded.host, sent.host)
            }
            part("path", recorded.path, sent.path)
            part("query", recorded.query.joined(separator: "&"), sent.query.joined(separator: "&"))
            var bodyDifferences = 0
            if recorded.body == sent.body {
                parts.append(Part(name: "body", matched: true, detail: "", differences: []))
            } else if let old = interaction.request.body.flatMap(JSONValue.init(parsing:)), let new = sentJSON {
                let differences = old.differences(from: new)
                bodyDifferences = differences.count
                let detail = differences.map { "\($0.path): recorded \($0.left), sent \($0.right)" }.joined(separator: "; ")
                parts.append(Part(name: "body", matched: false, detail: detail, differences: differences))
            } else {
                bodyDifferences = 1
                let size = { (data: Data?) in "\(data?.count ?? 0) bytes" }
                let detail = "recorded \(size(interaction.request.body)), sent \(size(request.body)), not both JSON"
                parts.append(Part(name: "body", matched: false, detail: detail, differences: []))
            }
            let comparison = Comparison(index: position, summary: "\(interaction.request.method) \(interaction.request.url)",
                                        parts: parts)
            comparisons.append((comparison, comparison.mismatches * 100 + bodyDifferences))
        }
        exhausted = sameSignature
        nearest = comparisons.sorted { $0.1 < $1.1 }.prefix(limit).map(\.0)
    }

    /// The report a person reads: the request, each nearest recorded one part by part, and how to re-record with the
    /// command line.
    public var description: String {
        report(reRecording: "run with --record-mode new-episodes (adds what is missing) or all (records everything again), "
            + "or `zimage cassettes record`")
    }

    /// The report with `hint` as the way to re-record (a test suite re-records differently from the command line).
    public func report(reRecording hint: String) -> String {
        var lines = ["no recorded interaction in \(cassettePath) (record mode \(recordMode)) matches \(request.method) \(request.url)"]
        if exhausted {
            lines.append("  an identical request was recorded, but its answers were all used already (each is replayed once, "
                + "in order; allow repeats to replay the last again)")
        }
        if nearest.isEmpty {
            lines.append("  the cassette has no interactions")
        }
        for comparison in nearest {
            lines.append("  nearest #\(comparison.index): \(comparison.summary)")
            let matched = comparison.parts.filter(\.matched).map(\.name)
            if !matched.isEmpty { lines.append("    matches: \(matched.joined(separator: ", "))") }
            for part in comparison.parts where !part.matched {
                lines.append("    differs in \(part.name): \(part.detail)")
            }
        }
        lines.append("  to re-record: \(hint)")
        return lines.joined(separator: "\n")
    }
}
