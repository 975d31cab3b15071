package import Foundation
import ZImage
package import ZImageCassettes
import ZImageContract

/// One self-contained HTML page about the contract cassettes, for people reviewing a re-recorded set of fixtures: per
/// region, each scenario with its request, the expected and the actual outcome, the image as a thumbnail, its source and
/// age, and any drift; failures first. No network and no script: inline CSS, images embedded when small (else referred to
/// by their file), so the page opens offline, from CI artefacts too.
package enum CassetteReportPage {
    /// One scenario as the page shows it.
    package struct Entry: Sendable {
        var name: String
        var summary: String
        var file: String
        var request: String
        var expected: String
        var outcome: String
        /// Whether the scenario replayed to its expected outcome.
        package var passed: Bool
        var problems: [String]
        var image: String?
        var source: String
        var recordedAt: String
        var ageDays: Int?
    }

    /// A region's scenarios, and the drift a live run found there.
    package struct Section: Sendable {
        var region: String
        /// The region's scenarios, in the order shown.
        package var entries: [Entry]
        /// What a live run found changed in the API's answers there, in words; `nil` when none was looked for.
        package var drift: String?

        /// Creates a section for `region`.
        package init(region: String, entries: [Entry], drift: String? = nil) {
            self.region = region
            self.entries = entries
            self.drift = drift
        }
    }

    /// Images up to this size are embedded in the page; larger ones are referred to by their file.
    static let embeddedImageLimit = 512 << 10

    /// The entry of a replayed cassette (`nil` when it could not be loaded), from what ``ScenarioRunner/replay(_:)`` gave.
    package static func entry(_ report: ScenarioRunner.Report, cassette: Cassette?, now: Date = Date()) -> Entry {
        let scenario = cassette.flatMap { try? Scenario(of: $0) }
        return Entry(
            name: report.scenario, summary: scenario?.summary ?? "", file: report.file,
            request: scenario.map { requestText($0) } ?? "-", expected: scenario.map { expectedText($0.expect) } ?? "-",
            outcome: report.outcome, passed: report.passed, problems: report.problems.map(\.description),
            image: cassette.flatMap { image(in: $0, beside: URL(fileURLWithPath: report.file)) },
            source: cassette?.source.rawValue ?? "-", recordedAt: cassette?.recordedAt ?? "-",
            ageDays: cassette?.ageInDays(now: now))
    }

    /// The whole page.
    package static func render(title: String, generatedAt: Date, sections: [Section]) -> String {
        let failed = sections.flatMap(\.entries).filter { !$0.passed }.count
        let total = sections.flatMap(\.entries).count
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:22px}h2{margin-top:32px}
            .scenario{display:flex;gap:16px;border:1px solid #ddd;border-left:6px solid #2a7;border-radius:6px;padding:12px;margin:10px 0}
            .scenario.failed{border-left-color:#c33;background:#fff6f6}.thumb{width:128px;min-width:128px}
            .thumb img{max-width:128px;max-height:192px;border:1px solid #ccc}.noimage{color:#888;font-size:12px}
            dl{display:grid;grid-template-columns:110px 1fr;gap:2px 12px;margin:6px 0}dt{color:#666}dd{margin:0}
            pre{margin:0;white-space:pre-wrap;font-size:12px}.problems{color:#c33}.drift{padding:8px;background:#fff3d6}
            </style></head><body>
            <h1>\(escape(title))</h1>
            <p>\(total - failed) of \(total) scenarios replayed to their expected outcome; \(failed) failed. Generated \
            \(escape(ISO8601DateFormatter().string(from: generatedAt))).</p>

            """
        for section in sections {
            html += "<section data-region=\"\(escape(section.region))\"><h2>\(escape(section.region))</h2>\n"
            if let drift = section.drift { html += "<p class=\"drift\">\(escape(drift))</p>\n" }
            for entry in section.entries.sorted(by: { !$0.passed && $1.passed }) { html += render(entry) }
            html += "</section>\n"
        }
        return html + "</body></html>\n"
    }

    private static func render(_ entry: Entry) -> String {
        let thumb =
            entry.image.map { "<img src=\"\(escape($0))\" alt=\"the image of \(escape(entry.name))\">" }
            ?? "<span class=\"noimage\">no image</span>"
        let age = entry.ageDays.map { " (\($0) days ago)" } ?? ""
        let problems =
            entry.problems.isEmpty
            ? ""
            : "<dt>problems</dt><dd class=\"problems\">\(entry.problems.map(escape).joined(separator: "<br>"))</dd>"
        return """
            <article class="scenario \(entry.passed ? "passed" : "failed")" data-scenario="\(escape(entry.name))">
            <div class="thumb">\(thumb)</div><div><h3>\(entry.passed ? "✔" : "✘") \(escape(entry.name))</h3>
            <p>\(escape(entry.summary))</p><dl>
            <dt>request</dt><dd><pre>\(escape(entry.request))</pre></dd>
            <dt>expected</dt><dd>\(escape(entry.expected))</dd><dt>actual</dt><dd>\(escape(entry.outcome))</dd>\(problems)
            <dt>source</dt><dd>\(escape(entry.source)), recorded \(escape(entry.recordedAt))\(age)</dd>
            <dt>file</dt><dd><code>\(escape(entry.file))</code></dd></dl></div></article>

            """
    }

    /// The generated image of a cassette: a data URI when small, else the body file's URL.
    private static func image(in cassette: Cassette, beside url: URL) -> String? {
        guard
            let answer = cassette.interactions.first(where: {
                $0.response.status == 200
                    && ($0.response.headers.first { $0.key.lowercased() == "content-type" }?.value ?? "")
                        .hasPrefix("image/")
            })?.response
        else { return nil }
        if answer.body.count <= embeddedImageLimit {
            return "data:image/png;base64," + answer.body.base64EncodedString()
        }
        let name = "\(SHA256.hexDigest(of: answer.body)).png"
        return url.deletingLastPathComponent().appendingPathComponent("bodies/\(name)").absoluteString
    }

    private static func requestText(_ scenario: Scenario) -> String {
        switch scenario.operation {
        case .probe: "GET \(DashScopeAPI.modelsPath)\(scenario.validKey ? "" : " with a refused key")"
        case .generate:
            String(decoding: JSONValue.object(scenario.request ?? [:]).prettyData, as: UTF8.self)
                + (scenario.validKey ? "" : "\n(with a key the API refuses)")
        }
    }

    private static func expectedText(_ expect: Expectation) -> String {
        var parts = [expect.outcome.rawValue]
        if let status = expect.httpStatus { parts.append("HTTP \(status)") }
        if let code = expect.code { parts.append(code) }
        if let width = expect.width, let height = expect.height { parts.append("\(width)*\(height)") }
        if let attempts = expect.attempts { parts.append("\(attempts) attempt\(attempts == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }

    /// Text made safe for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
