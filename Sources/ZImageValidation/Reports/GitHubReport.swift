import Foundation
import ZImage

/// What `validate` tells GitHub Actions when `GITHUB_ACTIONS=true`: an `::error` annotation per failing check or
/// cassette (pointing at the cassette file and the offending interaction's line), a `::warning` per old cassette, and a
/// Markdown summary for `$GITHUB_STEP_SUMMARY`.
enum GitHubReport {
    /// The workflow commands, one a line; cassette paths relative to `root` (the repository, where Actions resolves them).
    static func annotations(_ checks: [Check], relativeTo root: String) -> [String] {
        var lines: [String] = []
        for check in checks {
            if check.cases.isEmpty, check.status == .failed {
                lines.append("::error title=\(property(check.name))::\(data(check.detail))")
            }
            for test in check.cases {
                let location =
                    test.file.map { "file=\(property(relative($0, to: root))),line=\(test.line ?? 1)," } ?? ""
                if !test.passed {
                    lines.append(
                        "::error \(location)title=\(property("\(check.name): \(test.name)"))::\(data(test.detail))")
                }
                if let warning = test.warning {
                    lines.append(
                        "::warning \(location)title=\(property("\(check.name): \(test.name)"))::\(data(warning))")
                }
            }
        }
        return lines
    }

    /// The Markdown summary: the verdict, a table of checks per region with their case counts, and the evidence files.
    static func summary(_ checks: [Check], passed: Bool, closingLine: String, evidence: URL) -> String {
        var lines = [
            "## z-image-turbo validation \(passed ? "passed" : "FAILED")", "", closingLine, "",
            "| check | region | result | cases | detail |", "|---|---|---|---|---|",
        ]
        for check in checks {
            let (kind, region) = (check.kind.rawValue, check.region?.rawValue)
            let cases =
                check.cases.isEmpty ? "-" : "\(check.cases.filter(\.passed).count) of \(check.cases.count) passed"
            let mark =
                switch check.status {
                case .passed: "✅ passed"
                case .failed: "❌ failed"
                case .skipped: "⏭️ skipped"
                }
            lines.append("| \(kind) | \(region ?? "-") | \(mark) | \(cases) | \(cell(check.detail)) |")
        }
        lines += [
            "",
            "Evidence in `\(evidence.path)`: `summary.json`, `report.html` (every scenario with its image), and one "
                + "JSON file per check.", "",
        ]
        return lines.joined(separator: "\n")
    }

    /// `path` relative to `root` when it lies under it.
    static func relative(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// A workflow command's message: `%`, CR and LF escaped as Actions expects, any other control character as
    /// ``UntrustedText`` shows it.
    static func data(_ text: String) -> String {
        UntrustedText.escaped(
            text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
                .replacingOccurrences(of: "\n", with: "%0A"))
    }

    /// A workflow command's property value: as ``data(_:)``, and `:` and `,` too.
    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    private static func cell(_ text: String) -> String {
        let short = text.count > 160 ? String(text.prefix(157)) + "…" : text
        // Markdown and the HTML GitHub renders in it: a cassette's text stays text.
        return UntrustedText.escaped(short.replacingOccurrences(of: "\n", with: " ")).replacingOccurrences(
            of: "&", with: "&amp;"
        )
        .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "|", with: "\\|")
    }
}
