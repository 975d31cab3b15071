import Foundation
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageContract
@testable import ZImageContractSuite
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A cassette is code from a pull request: each edit below is refused whole, by every reader alike, with a reason that
/// names the field; nothing crashes and nothing outside the cassette's folder is read.
@Suite(
    "Hostile cassettes: one schema, refused by every reader, nothing read outside the folder", .timeLimit(.minutes(1)))
struct HostileCassetteTests {
    /// One hostile edit of the committed `basic-generation` cassette and a phrase its refusal must contain.
    struct Edit: Sendable, CustomTestStringConvertible {
        let name: String
        let reason: String
        let apply: @Sendable (inout [String: Any]) -> Void

        var testDescription: String { name }
    }

    static let edits: [Edit] = [
        Edit(name: "status -5", reason: "status is -5; allowed: 100 to 599") { setResponse(&$0, 0, "status", -5) },
        Edit(name: "status 99", reason: "status is 99; allowed: 100 to 599") { setResponse(&$0, 0, "status", 99) },
        Edit(name: "status 1000", reason: "status is 1000; allowed: 100 to 599") {
            setResponse(&$0, 0, "status", 1000)
        },
        Edit(name: "body file outside the folder", reason: "allowed: bodies/<sha256>.png") {
            setResponse(
                &$0, 1, "body", ["file": "../../../../etc/hostname", "sha256": String(repeating: "0", count: 64)])
        },
        Edit(name: "body file by absolute path", reason: "allowed: bodies/<sha256>.png") {
            setResponse(&$0, 1, "body", ["file": "/proc/self/environ", "sha256": String(repeating: "0", count: 64)])
        },
        Edit(name: "body file named for another hash", reason: "is named for sha256") {
            setResponse(
                &$0, 1, "body",
                [
                    "file": "bodies/\(String(repeating: "a", count: 64)).png",
                    "sha256": String(repeating: "b", count: 64),
                ])
        },
        Edit(name: "body with json and text", reason: "allowed: json, or text, or file with sha256") {
            setResponse(&$0, 0, "body", ["json": ["a": 1], "text": "b"])
        },
        Edit(name: "unknown top-level field", reason: "has the field \"comment\", which this format does not define") {
            $0["comment"] = "hidden"
        },
        Edit(name: "header name with a space", reason: "is not an HTTP token") {
            setResponse(&$0, 0, "headers", ["bad name": "x"])
        },
        Edit(name: "header value with CR LF", reason: "is not a string valid as an HTTP field value") {
            setResponse(&$0, 0, "headers", ["x-injected": "a\r\nSet-Cookie: b"])
        },
        Edit(name: "method not a token", reason: "allowed: an HTTP method") { setRequest(&$0, 0, "method", "GE T") },
        Edit(name: "file URL", reason: "allowed: an absolute http or https URL") {
            setRequest(&$0, 0, "url", "file:///etc/passwd")
        },
        Edit(name: "source other", reason: "source is \"other\"; allowed: live, simulator") { $0["source"] = "other" },
        Edit(name: "recorded_at not a time", reason: "allowed: an ISO 8601 time") { $0["recorded_at"] = "yesterday" },
        Edit(name: "region with an escape sequence", reason: "region holds a control character") {
            $0["region"] = "beijing\u{1B}[2J"
        },
        Edit(name: "scenario name with a workflow command", reason: "scenario.name is") {
            setScenario(&$0, "name", "x\n::error file=README.md::INJECTED")
        },
        Edit(name: "scenario with an unknown field", reason: "which scenarios do not define") {
            setScenario(&$0, "hidden", true)
        },
        Edit(name: "scenario with an invalid request", reason: "scenario.request is invalid") {
            setScenario(&$0, "request", ["prompt": "p", "size": "1*1"])
        },
        Edit(name: "probe expecting an API error", reason: "allowed for probe") {
            setScenario(&$0, "operation", "probe")
            setScenario(&$0, "request", nil)
            setScenario(&$0, "expect", ["outcome": "api_error", "http_status": 400, "code": "X"])
        },
    ]

    @Test(
        "each hostile edit is refused by load, check, replay, HAR export and the replay server, naming the field",
        arguments: edits)
    func refusedEverywhere(_ edit: Edit) async throws {
        try await withTemporaryDirectory("hostile") { folder in
            let file = try Self.fixture(in: folder, edit: edit.apply)
            let loaded = Result { try CassetteFile.load(file, rules: .dashScope) }
            let scenarioEdit = edit.name.hasPrefix("scenario") || edit.name.hasPrefix("probe")
            if scenarioEdit {
                // The cassette layer does not know scenarios: the contract suite reads them, the same way everywhere.
                let cassette = try loaded.get()
                let error = try #require(throws: ScenarioError.self) { try Scenario(of: cassette) }
                #expect(error.description.contains(edit.reason), "\(error)")
            } else {
                let error = try #require(throws: CassetteError.self) { try loaded.get() }
                #expect(error.description.contains(edit.reason), "\(error)")
                #expect(throws: CassetteError.self) {
                    try CassetteBackend(folder: folder, rules: .dashScope)
                }
            }
            let findings = CassetteLinter.lint(folder, rules: .dashScope, contract: ContractChecker.contractCassette)
            #expect(findings.contains { $0.isError && $0.problem.contains(edit.reason) }, "\(findings)")
            let report = await ScenarioRunner.run(file)
            #expect(
                !report.passed && report.problems.contains { $0.description.contains(edit.reason) },
                "\(report.problems)")
        }
    }

    @Test("a duplicate key is refused, naming it, though RFC 8259 lets a plain JSON reader keep the last one")
    func duplicateKey() async throws {
        try await withTemporaryDirectory("hostile") { folder in
            let file = try Self.fixture(in: folder) { _ in }
            var text = try String(contentsOf: file, encoding: .utf8)
            text = text.replacingOccurrences(
                of: #""source":"simulator""#, with: #""source":"live","source":"simulator""#)
            try Data(text.utf8).write(to: file)
            let error = try #require(throws: CassetteError.self) { try CassetteFile.load(file) }
            #expect(error.description.contains("the key \"source\" appears twice"), "\(error)")
            #expect(try CanonicalJSON.parse(Data(#"{"a":1,"a":2}"#.utf8)) == .object(["a": .int(2)]))
        }
    }

    @Test(
        "a bodies folder or a body file that is a symbolic link is refused, even to a file with the right hash",
        arguments: ["folder", "file"])
    func symbolicLinks(_ what: String) async throws {
        try await withTemporaryDirectory("hostile") { folder in
            let cassettes = folder.appendingPathComponent("cassettes")
            try FileManager.default.createDirectory(at: cassettes, withIntermediateDirectories: true)
            let file = try Self.fixture(in: cassettes) { _ in }
            let bodies = cassettes.appendingPathComponent("bodies")
            let outside = folder.appendingPathComponent("outside")
            try FileManager.default.moveItem(at: bodies, to: outside)
            if what == "folder" {
                try FileManager.default.createSymbolicLink(at: bodies, withDestinationURL: outside)
            } else {
                try FileManager.default.createDirectory(at: bodies, withIntermediateDirectories: true)
                for name in try FileManager.default.contentsOfDirectory(atPath: outside.path) {
                    try FileManager.default.createSymbolicLink(
                        at: bodies.appendingPathComponent(name),
                        withDestinationURL: outside.appendingPathComponent(name))
                }
            }
            let error = try #require(throws: CassetteError.self) { try CassetteFile.load(file) }
            #expect(error.description.contains("symbolic link"), "\(error)")
        }
    }

    @Test(
        "recording never writes through a symbolic link: a linked bodies folder or cassette file is refused, nothing outside changes"
    )
    func recordingRefusesLinks() async throws {
        try await withTemporaryDirectory("hostile") { folder in
            let cassettes = folder.appendingPathComponent("cassettes")
            let outside = folder.appendingPathComponent("outside")
            try FileManager.default.createDirectory(at: cassettes, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                at: cassettes.appendingPathComponent("bodies"), withDestinationURL: outside)
            let png = PNGEncoder.gradient(width: 8, height: 8, seed: [1, 2, 3, 4, 5, 6])
            let image = Interaction(
                request: RecordedRequest(method: "GET", url: "https://example.test/x.png"),
                response: RecordedResponse(status: 200, headers: ["content-type": "image/png"], body: png))
            let recorder = CassetteRecorder(
                url: cassettes.appendingPathComponent("image.json"),
                cassette: Cassette(region: nil, source: .simulator), secrets: [], rules: .dashScope)
            await recorder.record(image)
            await #expect(throws: AtomicFile.Failure.self) { try await recorder.commit() }
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)

            let target = outside.appendingPathComponent("target.json")
            try Data("outside".utf8).write(to: target)
            try FileManager.default.createSymbolicLink(
                at: cassettes.appendingPathComponent("linked.json"), withDestinationURL: target)
            let linked = CassetteRecorder(
                url: cassettes.appendingPathComponent("linked.json"),
                cassette: Cassette(region: nil, source: .simulator), secrets: [], rules: .dashScope)
            await linked.record(generationInteraction(DocumentedExamples.requestBody))
            await #expect(throws: (any Error).self) { try await linked.commit() }
            #expect(try String(contentsOf: target, encoding: .utf8) == "outside")
        }
    }

    @Test("a key shorter than 8 characters cannot be redacted reliably: a recording with one is refused, not written")
    func shortKey() async throws {
        try await withTemporaryDirectory("hostile") { folder in
            let file = folder.appendingPathComponent("short.json")
            let recorder = CassetteRecorder(
                url: file, cassette: Cassette(region: "beijing", source: .simulator),
                secrets: ["sk-1"], rules: .dashScope)
            await recorder.record(generationInteraction(DocumentedExamples.requestBody))
            let error = try await #require(throws: CassetteError.self) { try await recorder.commit() }
            #expect(error.code == .secretFound && error.description.contains("only 4 characters"))
            #expect((error as any Error).localizedDescription == error.description)
            #expect(!error.description.contains("sk-1"))
            #expect(!FileManager.default.fileExists(atPath: file.path))
        }
    }

    // MARK: - The fixture

    /// A copy of the committed Beijing `basic-generation` cassette and its bodies in `folder`, edited by `edit`.
    static func fixture(in folder: URL, edit: (inout [String: Any]) -> Void) throws -> URL {
        let source = committedCassettes.appendingPathComponent("beijing/basic-generation.json")
        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? [String: Any])
        let bodies = folder.appendingPathComponent("bodies")
        try FileManager.default.createDirectory(at: bodies, withIntermediateDirectories: true)
        for name in try CassetteFile.bodyFiles(of: source) {
            try FileManager.default.copyItem(
                at: source.deletingLastPathComponent().appendingPathComponent(name),
                to: folder.appendingPathComponent(name))
        }
        edit(&document)
        let file = folder.appendingPathComponent("basic-generation.json")
        try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]).write(to: file)
        return file
    }

    static func setResponse(_ document: inout [String: Any], _ index: Int, _ key: String, _ value: Any) {
        set(&document, index, "response", key, value)
    }

    static func setRequest(_ document: inout [String: Any], _ index: Int, _ key: String, _ value: Any) {
        set(&document, index, "request", key, value)
    }

    static func set(_ document: inout [String: Any], _ index: Int, _ side: String, _ key: String, _ value: Any) {
        var interactions = document["interactions"] as? [[String: Any]] ?? []
        var part = interactions[index][side] as? [String: Any] ?? [:]
        part[key] = value
        interactions[index][side] = part
        document["interactions"] = interactions
    }

    static func setScenario(_ document: inout [String: Any], _ key: String, _ value: Any?) {
        var scenario = document["scenario"] as? [String: Any] ?? [:]
        scenario[key] = value
        document["scenario"] = scenario
    }
}

@Suite("recorded_at: RFC 3339, checked by hand")
struct RecordedAtTests {
    @Test(
        "accepted and refused times",
        arguments: [
            ("2026-11-24T12:00:00Z", true), ("2026-11-24T12:00:00.123Z", true), ("2026-11-24T12:00:00+08:00", true),
            ("2026-11-24 12:00:00Z", false), ("2026-13-24T12:00:00Z", false), ("2026-11-24T24:00:00Z", false),
            ("2026-11-24T12:00:00", false), ("yesterday", false), ("2026-11-24T12:00:00Z ", false), ("", false),
        ])
    func times(_ text: String, _ accepted: Bool) {
        #expect(CassetteSchema.isInternetDateTime(text) == accepted)
        // What the schema accepts, Foundation reads too (Foundation is laxer: it takes 24:00 and a trailing space).
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if accepted {
            #expect(ISO8601DateFormatter().date(from: text) != nil || formatter.date(from: text) != nil, "\(text)")
        }
    }
}
