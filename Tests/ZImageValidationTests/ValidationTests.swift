import Foundation
import Synchronization
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageContract
@testable import ZImageContractSuite
@testable import ZImageCurl
@testable import ZImageTestSupport
@testable import ZImageValidation

@Suite("Finding an interaction's line in a cassette's bytes")
struct InteractionLineTests {
    @Test("in the layout this package writes, each interaction starts at its `{` line")
    func canonical() throws {
        let file = committedCassettes.appendingPathComponent("beijing/throttled-then-success.json")
        let data = try Data(contentsOf: file)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let interactions = try CassetteFile.load(file).interactions.count
        #expect(interactions >= 2)
        for index in 0..<interactions {
            let line = try #require(CassetteFile.line(ofInteraction: index, in: data))
            #expect(
                lines[line - 1].trimmingCharacters(in: .whitespaces).hasPrefix("{"),
                "interaction \(index) at line \(line)")
        }
        #expect(CassetteFile.line(ofInteraction: interactions, in: data) == nil)
    }

    @Test("in any other layout, with brackets, quotes and a key named interactions inside strings")
    func otherLayouts() {
        let text = """
            {"scenario": {"name": "[\\"interactions\\"] {x}"}, "note": "interactions",
             "interactions": [{"request": {"url": "http://h/[0]"}},
              {"request": {"url": "http://h/1"}}, {"a": ["]", "}"]},

            {"last": true}]}
            """
        let data = Data(text.utf8)
        #expect(CassetteFile.line(ofInteraction: 0, in: data) == 2)
        #expect(CassetteFile.line(ofInteraction: 1, in: data) == 3)
        #expect(CassetteFile.line(ofInteraction: 2, in: data) == 3)
        #expect(CassetteFile.line(ofInteraction: 3, in: data) == 5)
        #expect(CassetteFile.line(ofInteraction: 4, in: data) == nil)
        #expect(CassetteFile.line(ofInteraction: 0, in: Data(#"{"interactions": []}"#.utf8)) == nil)
        #expect(CassetteFile.line(ofInteraction: 0, in: Data("not json".utf8)) == nil)
    }
}

@Suite("The validation run as a library: typed results, no text parsed back")
struct ValidationRunTests {
    @Test("a check's name is its kind and region, and its JSON keeps both")
    func checkNames() throws {
        let check = Check(.contract, region: .singapore, status: .passed, detail: "ok")
        #expect(check.name == "contract-singapore")
        #expect(Check(.compile, status: .skipped, detail: "").name == "compile")
        let json = try #require(
            try JSONSerialization.jsonObject(with: try JSONEncoder().encode(check)) as? [String: Any])
        #expect(
            json["name"] as? String == "contract-singapore" && json["kind"] as? String == "contract"
                && json["region"] as? String == "singapore")
        let decoded = try JSONDecoder().decode(Check.self, from: try JSONEncoder().encode(check))
        #expect(decoded.kind == .contract && decoded.region == .singapore)
    }

    @Test("a cassette whose second interaction was never requested fails its case at that interaction's line")
    func unusedInteractionLine() async throws {
        try await withTemporaryDirectory("validation") { folder in
            let region = folder.appendingPathComponent("beijing")
            try FileManager.default.createDirectory(at: region, withIntermediateDirectories: true)
            let source = committedCassettes.appendingPathComponent("beijing/basic-generation.json")
            var cassette = try CassetteFile.load(source, rules: .dashScope)
            cassette.interactions.append(cassette.interactions[0])
            let file = region.appendingPathComponent("basic-generation.json")
            try CassetteFile.write(cassette, to: file, baseline: .none)

            let result = await ContractCheck(region: .beijing, cassettes: region).run()
            #expect(result.check.status == .failed && result.check.kind == .contract && result.check.region == .beijing)
            let failed = try #require(result.check.cases.first { !$0.passed })
            let extra = cassette.interactions.count - 1
            let problem = try #require(result.evidence.scenarios.first?.problems.first { $0.interaction != nil })
            #expect(problem.interaction == extra && problem.problem.contains("never requested"), "\(problem)")
            #expect(failed.file == file.path)
            #expect(failed.line == CassetteFile.line(ofInteraction: extra, in: try Data(contentsOf: file)))
            #expect((failed.line ?? 0) > 1)
        }
    }

    @Test("an offline run: checks in order, the verdict file, JUnit, and annotations only under GitHub Actions")
    func offlineRun() async throws {
        try await withTemporaryDirectory("validation") { folder in
            let lines = Mutex<[String]>([])
            let commands = Mutex<[String]>([])
            let output = Validation.Output(
                line: { line in lines.withLock { $0.append(line) } },
                workflowCommand: { line in commands.withLock { $0.append(line) } })
            let locations = OutputLocations(base: folder)
            let junit = folder.appendingPathComponent("junit.xml")
            let options = Validation.Options(
                network: .offline, packageDirectory: nil, cassettes: committedCassettes,
                locations: locations, junit: junit, environment: ["GITHUB_ACTIONS": "true"])
            let outcome = try await Validation.run(
                options, transport: try CurlTransport(environment: [:]), output: output)
            #expect(outcome.passed)
            #expect(
                outcome.checks.map(\.name) == [
                    "compile", "probe-beijing", "probe-singapore", "contract-beijing",
                    "contract-singapore",
                ])
            #expect(outcome.checks.map(\.status) == [.skipped, .skipped, .skipped, .passed, .passed])
            #expect(lines.withLock { $0.last } == outcome.closingLine)
            #expect(outcome.closingLine.hasPrefix("validate: ") && outcome.closingLine.hasSuffix("0 failed, 3 skipped"))
            #expect(
                FileManager.default.fileExists(
                    atPath: locations.evidenceDirectory.appendingPathComponent("validate.txt").path))
            #expect(try String(contentsOf: junit, encoding: .utf8).contains("<testsuite name=\"contract (beijing)\""))
            #expect(commands.withLock { $0.isEmpty }, "nothing failed and nothing is old, so no annotation")
        }
    }
}
