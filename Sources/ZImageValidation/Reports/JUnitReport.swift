import Foundation
import ZImage

/// `validate --junit FILE`: the checks as JUnit XML, the report GitHub Actions, GitLab and Jenkins show per test.
///
/// One `<testsuite>` per check kind and region (`contract (beijing)`), one `<testcase>` per check, or per case of a check
/// that has cases (each documented payload, each cassette scenario); a failure carries its one-sentence reason as
/// `message` and the detail (problems, nearest-match text, drift paths) as text; a skip carries its reason. A test case
/// of a cassette names its `file`, relative to the folder validate ran in as the annotations are, and the `line` of the
/// offending interaction. The document keeps to the common schema (junit-10.xsd, the Jenkins xunit one): `<testsuites>`
/// carries only name, tests, failures, errors and time; `skipped` and `timestamp` belong to each `<testsuite>`. Written here rather than taken from
/// `swift test --xunit-output`, whose files are empty or unreadable in several setups.
enum JUnitReport {
    /// The document for `checks`, run from `startedAt` for `duration`; files are named relative to `root`.
    static func render(_ checks: [Check], startedAt: Date, duration: Duration, relativeTo root: String) -> Data {
        let suites = checks.map(suite)
        let totals = suites.reduce(into: (tests: 0, failures: 0)) {
            $0.tests += $1.cases.count
            $0.failures += $1.cases.filter { $0.failure != nil }.count
        }
        let timestamp = ISO8601DateFormatter().string(from: startedAt)
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml +=
            "<testsuites name=\"validate\" tests=\"\(totals.tests)\" failures=\"\(totals.failures)\" errors=\"0\" "
            + "time=\"\(seconds(duration))\">\n"
        for suite in suites {
            let failures = suite.cases.filter { $0.failure != nil }.count
            let skipped = suite.cases.filter { $0.skipped != nil }.count
            let time = suite.cases.reduce(Duration.zero) { $0 + $1.time }
            xml +=
                "  <testsuite name=\(attribute(suite.name)) tests=\"\(suite.cases.count)\" failures=\"\(failures)\" "
                + "errors=\"0\" skipped=\"\(skipped)\" time=\"\(seconds(time))\" timestamp=\"\(timestamp)\">\n"
            for test in suite.cases {
                var attributes =
                    "name=\(attribute(test.name)) classname=\(attribute(suite.className)) time=\"\(seconds(test.time))\""
                if let file = test.file {
                    attributes += " file=\(attribute(GitHubReport.relative(file, to: root))) line=\"\(test.line ?? 1)\""
                }
                if let failure = test.failure {
                    xml +=
                        "    <testcase \(attributes)>\n      <failure message=\(attribute(failure.message)) type=\"failure\">"
                        + text(failure.detail) + "</failure>\n    </testcase>\n"
                } else if let reason = test.skipped {
                    xml +=
                        "    <testcase \(attributes)>\n      <skipped message=\(attribute(reason))/>\n    </testcase>\n"
                } else {
                    xml += "    <testcase \(attributes)/>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return Data((xml + "</testsuites>\n").utf8)
    }

    /// One suite's test cases, before they are spelt.
    struct Suite {
        var name: String
        var className: String
        var cases: [Case]
    }

    struct Case {
        var name: String
        var time: Duration
        var file: String?
        var line: Int?
        var failure: (message: String, detail: String)?
        var skipped: String?
    }

    static func suite(_ check: Check) -> Suite {
        let (kind, region) = (check.kind.rawValue, check.region?.rawValue)
        let name = region.map { "\(kind) (\($0))" } ?? kind
        let className = ["validate", kind, region].compactMap { $0 }.joined(separator: ".")
        guard !check.cases.isEmpty else {
            let failure = check.status == .failed ? (message: firstSentence(check.detail), detail: check.detail) : nil
            return Suite(
                name: name, className: className,
                cases: [
                    Case(
                        name: check.name, time: .milliseconds(check.durationMilliseconds), failure: failure,
                        skipped: check.status == .skipped ? check.detail : nil)
                ])
        }
        return Suite(
            name: name, className: className,
            cases: check.cases.map { test in
                Case(
                    name: test.name, time: .milliseconds(test.durationMilliseconds ?? 0), file: test.file,
                    line: test.line,
                    failure: test.passed ? nil : (message: firstSentence(test.detail), detail: test.detail))
            })
    }

    /// The first sentence (or problem) of a detail, for the `message` attribute.
    static func firstSentence(_ detail: String) -> String {
        let cut = detail.firstRange(of: "; ").map { String(detail[..<$0.lowerBound]) } ?? detail
        return cut.split(separator: "\n").first.map(String.init) ?? cut
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.3f", Double(duration / .microseconds(1)) / 1_000_000)
    }

    /// A quoted attribute value.
    static func attribute(_ value: String) -> String {
        "\"" + text(value).replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "\n", with: "&#10;")
            + "\""
    }

    /// Character data: markup escaped, and the characters XML 1.0 cannot hold dropped.
    static func text(_ value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value): continue
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
