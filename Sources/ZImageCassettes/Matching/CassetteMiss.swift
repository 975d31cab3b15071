import Foundation
import ZImageHTTP

/// Why no recorded interaction answers a request: the request, the nearest recorded ones part by part (which parts
/// matched, which JSON paths differ, with both values), the cassette, the record mode, and how to re-record.
///
/// A replaying transport keeps it as the `TransportError/underlying` cause of its failure, so it reaches whoever wants
/// it through ``init(from:)``, however many layers wrapped it.
public struct CassetteMiss: Error, Sendable, CustomStringConvertible {
    /// The request that found no answer.
    public var request: RecordedRequest
    /// The cassette searched.
    public var cassettePath: String
    /// The record mode in force.
    package var recordMode: String
    /// The nearest recorded requests, nearest first, with what differs.
    package var nearest: [Comparison]
    /// Whether an identical request was recorded, but its answers were all used already.
    package var exhausted: Bool
    /// How to re-record, ending the report (``CassetteRules/reRecordingHint``).
    package var reRecordingHint: String
    /// The recorded requests with another method or host than the one sent (an image download, say), not compared in
    /// detail: the report counts them in one line.
    package var elsewhere: [String]

    /// One recorded request compared with the one sent.
    package struct Comparison: Sendable {
        /// Its position in the cassette (0-based).
        package var index: Int
        /// Its method and URL.
        package var summary: String
        /// Matcher by matcher: method, scheme, host, path, query, body, and any added.
        package var parts: [Part]

        /// How many parts differ.
        package var mismatches: Int { parts.filter { !$0.matched }.count }
    }

    /// One part of a request compared.
    package struct Part: Sendable {
        /// The matcher's name: `method`, `scheme`, `host`, `path`, `query`, `body`, or one added.
        package var name: String
        /// Whether the recorded and the sent request agree on it.
        package var matched: Bool
        /// What differs, in words (empty when it matched).
        package var detail: String
        /// For a JSON body: the paths that differ, the recorded value on the left and the sent one on the right.
        package var differences: [JSONValue.Difference]
    }

    /// Finds the cassette miss that caused `error`, following every `WrappingError/underlying` (the client's error,
    /// then the transport's).
    public init?(from error: any Error) {
        guard let miss = firstCause(CassetteMiss.self, in: error) else { return nil }
        self = miss
    }

    /// Compares `request` with every recorded interaction, matcher by matcher, and keeps the `limit` nearest: first
    /// those with the same method and host (plausible neighbours), the rest only counted (``elsewhere``).
    init(
        request: RecordedRequest, interactions: [Interaction], index: CassetteIndex, cassettePath: String,
        recordMode: String,
        reRecordingHint: String, limit: Int = 3
    ) {
        self.request = request
        self.reRecordingHint = reRecordingHint
        self.cassettePath = cassettePath
        self.recordMode = recordMode
        let parsedSent = ParsedRequest(request)
        let sent = index.key(of: parsedSent)
        var comparisons: [(comparison: Comparison, score: Int, plausible: Bool)] = []
        var sameKey = false
        for (position, interaction) in interactions.enumerated() {
            let parsedRecorded = ParsedRequest(interaction.request)
            let recorded = index.key(of: parsedRecorded)
            if recorded == sent { sameKey = true }
            var parts: [Part] = []
            var bodyDifferences = 0
            for (matcher, (old, new)) in zip(index.matchers, zip(recorded, sent)) {
                guard old != new else {
                    parts.append(Part(name: matcher.name, matched: true, detail: "", differences: []))
                    continue
                }
                if let explain = matcher.explain {
                    let (detail, differences) = explain(parsedRecorded, parsedSent)
                    bodyDifferences += max(1, differences.count)
                    parts.append(Part(name: matcher.name, matched: false, detail: detail, differences: differences))
                } else {
                    let detail = "recorded \(old.isEmpty ? "(none)" : old), sent \(new.isEmpty ? "(none)" : new)"
                    parts.append(Part(name: matcher.name, matched: false, detail: detail, differences: []))
                }
            }
            let comparison = Comparison(
                index: position, summary: "\(interaction.request.method) \(interaction.request.url)",
                parts: parts)
            let plausible = parts.allSatisfy { $0.matched || ($0.name != "method" && $0.name != "host") }
            comparisons.append((comparison, comparison.mismatches * 100 + bodyDifferences, plausible))
        }
        exhausted = sameKey
        let ranked = comparisons.sorted { ($0.plausible ? 0 : 1, $0.score) < ($1.plausible ? 0 : 1, $1.score) }
        let plausible = ranked.filter(\.plausible)
        nearest = (plausible.isEmpty ? ranked : plausible).prefix(limit).map(\.comparison)
        elsewhere = plausible.isEmpty ? [] : ranked.filter { !$0.plausible }.map(\.comparison.summary)
    }

    /// The report a person reads: the request, each nearest recorded one part by part, and how to re-record.
    public var description: String {
        report(reRecording: reRecordingHint)
    }

    /// The report with `hint` as the way to re-record (a test suite re-records differently from the command line).
    package func report(reRecording hint: String) -> String {
        var lines = [
            "no recorded interaction in \(cassettePath) (record mode \(recordMode)) matches \(request.method) \(request.url)"
        ]
        if exhausted {
            lines.append(
                "  an identical request was recorded, but its answers were all used already (each is replayed once, "
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
        if let first = elsewhere.first {
            let more = elsewhere.count > 1 ? " and \(elsewhere.count - 1) more" : ""
            lines.append("  also recorded, to another method or host: \(first.prefix { $0 != "?" })\(more)")
        }
        if let paths = onlyBodyPathsDiffer {
            let quoted = paths.map { "\"\($0)\"" }.joined(separator: ", ")
            lines.append(
                "  if \(paths.count == 1 ? "that value changes" : "those values change") on every run (a random seed, a "
                    + "time, an id), match without \(paths.count == 1 ? "it" : "them"): "
                    + "matching: .default.ignoringJSONPaths(\(quoted))")
        }
        lines.append("  to re-record: \(hint)")
        return lines.joined(separator: "\n")
    }

    /// The JSON paths (at most three) in which alone the nearest recorded request differs from
    /// the one sent, when nothing but its JSON body differs; `nil` otherwise.
    var onlyBodyPathsDiffer: [String]? {
        guard let nearest = nearest.first else { return nil }
        let differing = nearest.parts.filter { !$0.matched }
        guard differing.count == 1, let body = differing.first, body.name == "body",
            (1...3).contains(body.differences.count)
        else { return nil }
        let paths = body.differences.map(\.path)
        return paths.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("(") }) ? paths : nil
    }
}
