package import Foundation
import ZImageHTTP

/// `zimage cassettes check`: everything that can be wrong with a folder of cassettes, without replaying them.
///
/// Per cassette: it loads as a replay loads it (format known, body files present with the right hash, not empty), it keeps the contract given, it holds
/// no secret (a value shaped like one of the rules' keys, an Authorization value, an unredacted signed query value, or
/// any value given in `secrets`), and it is not older than `maximumAgeDays`. Per folder: no body file is orphaned (referred
/// to by no cassette).
package enum CassetteLinter {
    /// One finding.
    package struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The file concerned.
        package var file: String
        /// What is wrong.
        package var problem: String
        /// Whether it fails the check (an old recording only warns).
        package var isError: Bool

        /// How it reads in a message.
        package var description: String { "\(isError ? "error" : "warning"): \(file): \(problem)" }
    }

    /// What a leak looks like under `rules`: a key-shaped value, an Authorization value, a signed query value.
    private static func leakPatterns(_ rules: CassetteRules) -> [(String, NSRegularExpression?)] {
        let signed = rules.signedQueryParameters.sorted().map(NSRegularExpression.escapedPattern(for:)).joined(
            separator: "|")
        var patterns = rules.keyPatterns.map { ("a key-like value", try? NSRegularExpression(pattern: $0)) }
        patterns.append(
            (
                "an unredacted Authorization value",
                try? NSRegularExpression(pattern: #"(?i)bearer\s+(?!<redacted>)[A-Za-z0-9._\-]{8,}"#)
            ))
        if !signed.isEmpty {
            patterns.append(
                (
                    "an unredacted signed query value",
                    try? NSRegularExpression(pattern: #"(?i)[?&]("# + signed + #")=(?!<redacted>|REDACTED\b)[^&"\s]+"#)
                ))
        }
        return patterns
    }

    /// The cassette files under `folder` (any depth, body folders excluded), sorted.
    package static func cassetteFiles(in folder: URL) -> [URL] {
        let items =
            FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return items.filter { $0.pathExtension == "json" && !$0.pathComponents.contains("bodies") }
            .sorted { $0.path < $1.path }
    }

    /// Checks every cassette under `folder` against `contract` and for leaks under `rules`.
    package static func lint(
        _ folder: URL, rules: CassetteRules, contract: CassetteContract? = nil, secrets: [String] = [],
        maximumAgeDays: Int = Cassette.staleAfterDays, now: Date = Date()
    ) -> [Finding] {
        let leakPatterns = leakPatterns(rules)
        var findings: [Finding] = []
        var referenced: [URL: Set<String>] = [:]
        for file in cassetteFiles(in: folder) {
            func add(_ problem: String, error: Bool = true) {
                findings.append(Finding(file: file.path, problem: problem, isError: error))
            }
            let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            for (what, pattern) in leakPatterns {
                if let pattern, pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
                    add("it holds \(what)")
                }
            }
            for secret in secrets where secret.count >= 8 && text.contains(secret) { add("it holds the API key") }
            let cassette: Cassette
            do {
                cassette = try CassetteDeck(options: CassetteOptions(rules: rules)).load(file)
                referenced[file.deletingLastPathComponent(), default: []].formUnion(
                    try CassetteFile.bodyFiles(of: file))
            } catch {
                add("\(error)")
                continue
            }
            for interaction in cassette.interactions {
                for secret in secrets
                where secret.count >= 8 && interaction.response.body.range(of: Data(secret.utf8)) != nil {
                    add("a body holds the API key")
                }
            }
            for violation in contract?(cassette) ?? [] { add("contract: \(violation)") }
            if let days = cassette.ageInDays(now: now), days > maximumAgeDays {
                add("recorded \(days) days ago: re-record it to catch API drift", error: false)
            }
        }
        for (cassetteFolder, names) in referenced {
            let bodies = cassetteFolder.appendingPathComponent("bodies")
            let present = (try? FileManager.default.contentsOfDirectory(atPath: bodies.path)) ?? []
            for name in present.sorted() where !names.contains("bodies/\(name)") {
                findings.append(
                    Finding(
                        file: bodies.appendingPathComponent(name).path,
                        problem: "no cassette refers to this body file (orphaned): delete it", isError: true))
            }
        }
        return findings
    }
}
