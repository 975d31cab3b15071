import Foundation
import ZImage

/// Why no recorded interaction answers a request: the request, the nearest recorded ones part by part (which parts
/// matched, which JSON paths differ, with both values), the cassette, the record mode, and how to re-record.
public struct CassetteMiss: Sendable, CustomStringConvertible {
    /// The request that found no answer.
    public var request: RecordedRequest
    /// The cassette searched.
    public var cassettePath: String
    /// The record mode in force.
    public var recordMode: String
    /// The nearest recorded requests, nearest first, with what differs.
    public var nearest: [Comparison]
    /// How many recorded interactions matched but were already used.
    public var exhausted: Bool

    /// One recorded request compared with the one sent.
    public struct Comparison: Sendable {
        /// Its position in the cassette (0-based).
        public var index: Int
        /// Its method and URL.
        public var summary: String
        /// Part by part: name, whether it matched, and what differs.
        public var parts: [(name: String, matched: Bool, detail: String)]

        var mismatches: Int { parts.filter { !$0.matched }.count }
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
            var parts: [(String, Bool, String)] = []
            func part(_ name: String, _ a: String, _ b: String) {
                parts.append((name, a == b, a == b ? "" : "recorded \(a.isEmpty ? "(none)" : a), sent \(b.isEmpty ? "(none)" : b)"))
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
                parts.append(("body", true, ""))
            } else if let old = interaction.request.body.flatMap(JSONValue.init(parsing:)), let new = sentJSON {
                let differences = old.differences(from: new)
                bodyDifferences = differences.count
                let detail = differences.map { "\($0.path): recorded \($0.left), sent \($0.right)" }.joined(separator: "; ")
                parts.append(("body", false, detail))
            } else {
                bodyDifferences = 1
                let size = { (data: Data?) in "\(data?.count ?? 0) bytes" }
                parts.append(("body", false, "recorded \(size(interaction.request.body)), sent \(size(request.body)), not both JSON"))
            }
            let comparison = Comparison(index: position, summary: "\(interaction.request.method) \(interaction.request.url)",
                                        parts: parts)
            comparisons.append((comparison, comparison.mismatches * 100 + bodyDifferences))
        }
        exhausted = sameSignature
        nearest = comparisons.sorted { $0.1 < $1.1 }.prefix(limit).map(\.0)
    }

    public var description: String {
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
        lines.append("  to re-record: run with --record-mode new-episodes (adds what is missing) or all (records everything again), "
            + "or `zimage cassettes record`")
        return lines.joined(separator: "\n")
    }
}
