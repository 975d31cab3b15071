import Foundation
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageHTTP
@testable import ZImageTestSupport

/// Debian's Chromium, when installed (scripts/bootstrap.sh installs it when ZIMAGE_BROWSER_TESTS=1, as .ci/run sets).
let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

@Suite(
    "report.html in a real browser: every scenario there, every image loaded, failures first",
    .enabled(if: chromium != nil, "no Chromium here: run ZIMAGE_BROWSER_TESTS=1 bash scripts/bootstrap.sh (CI does)"),
    .timeLimit(.minutes(2)))
struct ReportBrowserTests {
    /// What the browser saw once the page loaded: articles per region, each article's class, each image's width.
    struct Seen {
        var regions: [String: Int]
        var classes: [String]
        var widths: [Int]
    }

    /// Loads `page` in headless Chromium, offline, and reads from its DOM what loaded.
    func load(_ page: URL) async throws -> Seen {
        let probe = #"""
            <script>window.addEventListener('load', () => {
              const b = document.body;
              b.setAttribute('data-regions', [...document.querySelectorAll('section')].map(s => s.dataset.region + '=' + s.querySelectorAll('article').length).join(','));
              b.setAttribute('data-classes', [...document.querySelectorAll('article')].map(a => a.className).join(','));
              b.setAttribute('data-widths', [...document.images].map(i => i.complete ? i.naturalWidth : -1).join(','));
            });</script>
            """#
        let copy = page.deletingLastPathComponent().appendingPathComponent("probed.html")
        try Data(
            String(contentsOf: page, encoding: .utf8).replacingOccurrences(of: "</body>", with: probe + "</body>").utf8
        ).write(to: copy)
        let result = try await runChild(
            try #require(chromium),
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--virtual-time-budget=5000", "--dump-dom", copy.absoluteString,
            ], environment: ["HOME": page.deletingLastPathComponent().path])
        func attribute(_ name: String) -> String {
            guard let start = result.stdout.range(of: "\(name)=\"") else { return "" }
            return String(result.stdout[start.upperBound...].prefix { $0 != "\"" })
        }
        let regions = Dictionary(
            uniqueKeysWithValues: attribute("data-regions").split(separator: ",").compactMap { pair in
                let parts = pair.split(separator: "=")
                return parts.count == 2 ? (String(parts[0]), Int(parts[1]) ?? -1) : nil
            })
        return Seen(
            regions: regions, classes: attribute("data-classes").split(separator: ",").map(String.init),
            widths: attribute("data-widths").split(separator: ",").compactMap { Int($0) })
    }

    /// How many committed cassettes of `region` carry an image.
    func imagesIn(_ region: String) throws -> Int {
        try CassetteLinter.cassetteFiles(in: repositoryCassettes.appendingPathComponent(region)).filter { file in
            try CassetteFile.load(file).interactions.contains {
                $0.response.headers["content-type"] == "image/png" && $0.response.status == 200
            }
        }.count
    }

    @Test("validate's report.html: 13 scenarios per region, every image loaded")
    func validateReport() async throws {
        let sandbox = try ValidateCommandTests.Sandbox()
        defer { sandbox.remove() }
        let result = try await sandbox.validate(["--offline"])
        #expect(result.status == 0)
        let seen = try await load(sandbox.evidence.appendingPathComponent("report.html"))
        #expect(seen.regions == ["beijing": 13, "singapore": 13])
        #expect(seen.widths.count == (try imagesIn("beijing")) + (try imagesIn("singapore")) && seen.widths.count >= 12)
        #expect(seen.widths.allSatisfy { $0 > 0 }, "\(seen.widths)")
        #expect(seen.classes.allSatisfy { $0 == "scenario passed" })
    }

    @Test("zimage cassettes report: a broken scenario is shown first, as failed, and the command exits 1")
    func cassettesReport() async throws {
        let sandbox = try ValidateCommandTests.Sandbox()
        defer { sandbox.remove() }
        try sandbox.editAnswer("singapore/seed-non-square.json") { $0["request_id"] = nil }
        let page = sandbox.folder.appendingPathComponent("cassettes.html")
        let result = try await run(
            "zimage", ["cassettes", "report", "--dir", sandbox.cassettes.path, "--out", page.path],
            environment: ["HOME": sandbox.folder.path], in: sandbox.folder)
        #expect(
            result.status == 1 && result.stdout.contains("26 scenarios, 1 failed"), "\(result.stdout)\(result.stderr)")
        let seen = try await load(page)
        #expect(seen.regions == ["beijing": 13, "singapore": 13])
        #expect(seen.classes.filter { $0 == "scenario failed" }.count == 1)
        #expect(seen.classes.dropFirst(13).first == "scenario failed")  // singapore's section starts with its failure
        #expect(seen.widths.allSatisfy { $0 > 0 } && !seen.widths.isEmpty)
    }
}
