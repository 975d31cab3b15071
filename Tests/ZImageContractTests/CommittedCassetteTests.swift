import Foundation
import HTTPTypes
import HTTPTypesFoundation
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageContract
@testable import ZImageContractSuite
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

@Suite("The committed cassettes of both regions", .timeLimit(.minutes(1)))
struct CommittedCassetteTests {
    static let files = CassetteLinter.cassetteFiles(in: committedCassettes)

    @Test("both regions have every scenario of the catalog")
    func complete() {
        for region in Region.allCases {
            let names = Set(
                Self.files.filter { $0.deletingLastPathComponent().lastPathComponent == region.rawValue }
                    .map { $0.deletingPathExtension().lastPathComponent })
            #expect(names == Set(ScenarioCatalog.all.map(\.scenario.name)), "\(region)")
        }
    }

    @Test("every committed cassette, the harness's and the example's too, is written back byte for byte")
    func rendersToItsOwnBytes() async throws {
        let folders = [
            committedCassettes, repositoryRoot.appendingPathComponent("Tests/ZImageTestingTests/Cassettes"),
            repositoryRoot.appendingPathComponent("Examples/PosterApp/Tests/PosterAppTests/Cassettes"),
        ]
        let files = folders.flatMap { CassetteLinter.cassetteFiles(in: $0) }
        #expect(files.count == 39)
        try await withTemporaryDirectory { scratch in
            for file in files {
                let copy = scratch.appendingPathComponent(UUID().uuidString + ".json")
                try CassetteFile.write(try CassetteFile.load(file), to: copy, baseline: .none)
                #expect(try Data(contentsOf: copy) == Data(contentsOf: file), "\(file.path)")
            }
        }
    }

    @Test("every committed cassette passes check")
    func lint() {
        let findings = CassetteLinter.lint(
            committedCassettes, rules: .dashScope, contract: ContractChecker.contractCassette)
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test("every committed cassette replays through ZImageClient to its expected outcome", arguments: files)
    func replays(_ file: URL) async {
        let report = await ScenarioRunner.run(file)
        #expect(report.passed, "\(report.scenario): \(report.problems)")
        #expect(!report.requestIDs.isEmpty || report.scenario.hasPrefix("models-probe"))
    }

    @Test("a cassette without a scenario, or with a broken expectation, fails its replay")
    func expectationsCanFail() async throws {
        var cassette = try CassetteFile.load(
            committedCassettes.appendingPathComponent("beijing/throttled-then-success.json"))
        var scenario = try #require(try Scenario(of: cassette))
        scenario.expect.attempts = 1
        cassette.scenario = scenario.metadata
        let wrongAttempts = await ScenarioRunner.run(cassette, file: "edited.json")
        #expect(
            !wrongAttempts.passed && wrongAttempts.problems.contains { $0.problem.contains("2 attempts, expected 1") })
        cassette.scenario = nil
        let noScenario = await ScenarioRunner.run(cassette, file: "edited.json")
        #expect(
            !noScenario.passed
                && noScenario.problems.contains {
                    $0.problem.contains("no expected outcome") || $0.problem.contains("no scenario")
                })
    }

    @Test("the replay server answers docs/CONTRACT.md's curl request with the recorded answer, and serves the image")
    func replayServer() async throws {
        try await using(
            try await SimulatorServer.start(
                backend: try CassetteBackend(
                    folder: committedCassettes.appendingPathComponent("beijing"), rules: .dashScope))
        ) { server in
            let transport = try loopbackTransport()
            var request = HTTPRequest(method: .post, url: server.generationURL)
            request.headerFields[.contentType] = "application/json"
            request.headerFields[.authorization] = "Bearer sk-test-anything-0000"
            let (response, body) = try await transport.send(request, body: Data(DocumentedExamples.requestBody.utf8))
            #expect(response.status == .ok)
            let result = try WireFormat.decodeSuccess(
                body, for: ImageRequest(prompt: DocumentedExamples.prompt, seed: 1234))
            let recorded = try CassetteFile.load(
                committedCassettes.appendingPathComponent("beijing/basic-generation.json"))
            #expect(result.requestID == WireFormat.decodeError(recorded.interactions[0].response.body).requestID)
            #expect(result.imageURL.hasPrefix(server.baseURL.absoluteString + "/"))
            let image = try await ImageDownloader(transport: transport).fetch(result)
            #expect(image == recorded.interactions[1].response.body)

            var unknown = request
            unknown.path = "/api/v1/unknown"
            let (missed, missBody) = try await transport.send(unknown, body: Data("{}".utf8))
            #expect(missed.status == .notFound)
            #expect(String(decoding: missBody, as: UTF8.self).contains("NoRecordedResponse"))
        }
    }

    @Test("export-har writes HAR 1.2 with one entry per exchange")
    func har() throws {
        let cassette = try CassetteFile.load(
            committedCassettes.appendingPathComponent("singapore/basic-generation.json"))
        let har = try #require(
            try JSONSerialization.jsonObject(
                with: HARExporter.export(
                    cassette, comment: "zimage cassette", creator: ("zimage", ZImageVersion.current))) as? [String: Any]
        )
        let log = try #require(har["log"] as? [String: Any])
        #expect(log["version"] as? String == "1.2")
        let entries = try #require(log["entries"] as? [[String: Any]])
        #expect(entries.count == 2)
        let image = try #require(entries[1]["response"] as? [String: Any])
        let content = try #require(image["content"] as? [String: Any])
        #expect(content["encoding"] as? String == "base64" && content["mimeType"] as? String == "image/png")
        #expect(image["statusText"] as? String == "OK", "HAR readers show the reason phrase")
    }

    @Test("HAR statusText is RFC 9110's reason phrase for every status the API and OSS answer")
    func statusTexts() {
        for (status, text) in [
            (200, "OK"), (400, "Bad Request"), (401, "Unauthorized"), (403, "Forbidden"), (404, "Not Found"),
            (429, "Too Many Requests"), (500, "Internal Server Error"), (503, "Service Unavailable"), (599, ""),
        ] {
            #expect(HARExporter.reasonPhrase(status) == text)
        }
    }
}
