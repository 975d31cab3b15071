import Foundation
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageHTTP
@testable import ZImageTestSupport

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite(
    "validate's reports for CI: JUnit XML, GitHub annotations and step summary, the closing line",
    .timeLimit(.minutes(2)))
struct ValidateReportTests {
    typealias Sandbox = ValidateCommandTests.Sandbox

    @Test("--junit: XML a CI reads, with the schema's required elements and attributes and a testcase per cassette")
    func junit() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let report = sandbox.folder.appendingPathComponent("out.xml")
        let result = try await sandbox.validate(["--offline", "--junit", report.path])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.hasSuffix("validate: 32 passed, 0 failed, 3 skipped\n"), "\(result.stdout)")

        let document = try XMLDocument(contentsOf: report)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        // junit-10.xsd (Jenkins xunit): <testsuites> may carry only these; skipped and timestamp are <testsuite>'s.
        let rootAttributes = Set((root.attributes ?? []).compactMap(\.name))
        #expect(
            rootAttributes.isSubset(of: ["name", "time", "tests", "failures", "disabled", "errors"]),
            "\(rootAttributes)")
        let suites = root.elements(forName: "testsuite")
        #expect(
            suites.map { $0.attribute(forName: "name")?.stringValue ?? "" }
                == ["compile", "probe (beijing)", "probe (singapore)", "contract (beijing)", "contract (singapore)"])
        var total = 0
        for suite in suites {
            for name in ["name", "tests", "failures", "errors", "skipped", "time", "timestamp"] {
                #expect(suite.attribute(forName: name) != nil, "testsuite lacks \(name)")
            }
            let cases = suite.elements(forName: "testcase")
            #expect(Int(suite.attribute(forName: "tests")?.stringValue ?? "") == cases.count)
            total += cases.count
            for test in cases {
                #expect(test.attribute(forName: "name") != nil && test.attribute(forName: "classname") != nil)
                #expect(Double(test.attribute(forName: "time")?.stringValue ?? "") != nil)
            }
        }
        #expect(Int(root.attribute(forName: "tests")?.stringValue ?? "") == total && total == 35)
        for region in Region.allCases {
            let committed = try FileManager.default.contentsOfDirectory(
                atPath: repositoryCassettes.appendingPathComponent(region.rawValue).path
            )
            .filter { $0.hasSuffix(".json") }
            let suite = try #require(
                suites.first { $0.attribute(forName: "name")?.stringValue == "contract (\(region))" })
            let files = suite.elements(forName: "testcase").compactMap { $0.attribute(forName: "file")?.stringValue }
            #expect(files.count == committed.count && committed.count == 13)
            #expect(
                Set(files) == Set(committed.map { "cassettes/\(region)/\($0)" }), "relative, as the annotations are")
        }
        let skipped = try #require(
            suites.first?.elements(forName: "testcase").first?.elements(forName: "skipped").first)
        #expect(skipped.attribute(forName: "message")?.stringValue == "--skip-compile: the caller built the package")
    }

    @Test(
        "GITHUB_ACTIONS=true: the broken cassette's ::error names its file and interaction's line; the summary gets a table"
    )
    func githubAnnotations() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // Break interaction #1 (the successful retry) of a canonical cassette: its answer loses its request_id.
        let file = sandbox.cassettes.appendingPathComponent("beijing/throttled-then-success.json")
        var cassette = try CassetteFile.load(file)
        var body = try #require(
            try JSONSerialization.jsonObject(with: cassette.interactions[1].response.body) as? [String: Any])
        body["request_id"] = nil
        cassette.interactions[1].response.body = try JSONSerialization.data(withJSONObject: body)
        try CassetteFile.write(cassette, to: file)
        let lines = try String(contentsOf: file, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.indices.filter { lines[$0] == "    {" }.dropFirst().first) + 1

        let summary = sandbox.folder.appendingPathComponent("summary.md")
        let result = try await sandbox.validate(
            ["--offline", "--junit", sandbox.folder.appendingPathComponent("out.xml").path],
            extra: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary.path])
        #expect(result.status == 1)
        let error = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("::error file=") })
        #expect(
            error.hasPrefix(
                "::error file=cassettes/beijing/throttled-then-success.json,line=\(line),title=contract-beijing%3A throttled-then-success::"
            ),
            "\(error)")
        #expect(error.contains("the answer has no request_id"))
        #expect(result.stdout.hasSuffix("validate: 31 passed, 1 failed, 3 skipped\n"), "\(result.stdout)")
        let markdown = try String(contentsOf: summary, encoding: .utf8)
        #expect(
            markdown.contains("## z-image-turbo validation FAILED")
                && markdown.contains("| contract | beijing | ❌ failed | 15 of 16 passed |"))
        #expect(markdown.contains("| contract | singapore | ✅ passed | 16 of 16 passed |"))
    }

    @Test(
        "GITHUB_ACTIONS=true: a cassette recorded over 180 days ago is a ::warning on its file, and the run still passes"
    )
    func githubStaleWarning() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let file = sandbox.cassettes.appendingPathComponent("singapore/basic-generation.json")
        var cassette = try CassetteFile.load(file)
        cassette.recordedAt = Cassette.timestamp(Date().addingTimeInterval(-200.5 * 86_400))
        try CassetteFile.write(cassette, to: file, baseline: .none)

        let result = try await sandbox.validate(["--offline"], extra: ["GITHUB_ACTIONS": "true"])
        #expect(result.status == 0, "\(result.stdout)")
        let warnings = result.stdout.split(separator: "\n").filter { $0.hasPrefix("::warning") }
        #expect(
            warnings == [
                "::warning file=cassettes/singapore/basic-generation.json,line=1,title=contract-singapore%3A "
                    + "basic-generation::recorded 200 days ago: re-record it to catch API drift (zimage cassettes record)"
            ])
    }

    @Test("without GITHUB_ACTIONS no annotation is printed")
    func noAnnotationsElsewhere() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let result = try await sandbox.validate(["--offline"])
        #expect(!result.stdout.contains("::error") && !result.stdout.contains("::warning"))
    }
}
