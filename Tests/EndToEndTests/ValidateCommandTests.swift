import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

/// The repository's committed cassettes.
let repositoryCassettes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("cassettes")

@Suite("validate, run as CI would", .timeLimit(.minutes(2)))
struct ValidateCommandTests {
    /// A temporary folder with a copy of the committed cassettes and an output folder.
    struct Sandbox {
        let folder: URL
        var cassettes: URL { folder.appendingPathComponent("cassettes") }
        var evidence: URL { folder.appendingPathComponent("output/alicloud-ai-image-zimage-turbo") }

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "zimage-validate-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: repositoryCassettes, to: cassettes)
        }

        func validate(
            _ arguments: [String], key: String? = nil, extra: [String: String] = [:]
        ) async throws -> RunResult {
            var environment = ["HOME": folder.path].merging(extra) { $1 }
            if let key { environment["DASHSCOPE_API_KEY"] = key }
            return try await run(
                "validate",
                [
                    "--skip-compile", "--cassettes", cassettes.path,
                    "--output-dir", folder.appendingPathComponent("output").path,
                ] + arguments,
                environment: environment, in: folder)
        }

        func json(_ name: String) throws -> [String: Any] {
            let data = try Data(contentsOf: evidence.appendingPathComponent(name))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        /// Edits the first response body of a cassette.
        func editAnswer(_ cassette: String, _ edit: (inout [String: Any]) -> Void) throws {
            let file = cassettes.appendingPathComponent(cassette)
            var document = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
            var interactions = try #require(document["interactions"] as? [[String: Any]])
            var response = try #require(interactions[0]["response"] as? [String: Any])
            var body = try #require(response["body"] as? [String: Any])
            var json = try #require(body["json"] as? [String: Any])
            edit(&json)
            body["json"] = json
            response["body"] = body
            interactions[0]["response"] = response
            document["interactions"] = interactions
            try JSONSerialization.data(withJSONObject: document).write(to: file)
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    @Test("on the committed cassettes: exit 0, validate.txt, and every evidence file valid JSON with its fields")
    func passes() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let result = try await sandbox.validate(["--offline"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: sandbox.evidence.appendingPathComponent("validate.txt").path))
        let summary = try sandbox.json("summary.json")
        for field in ["started_at", "ended_at", "tool_version", "regions", "model", "mode", "checks", "passed"] {
            #expect(summary[field] != nil, "summary.json lacks \(field)")
        }
        #expect(summary["mode"] as? String == "offline" && summary["model"] as? String == "z-image-turbo")
        let checks = try #require(summary["checks"] as? [[String: Any]])
        #expect(
            Set(checks.compactMap { $0["name"] as? String }) == [
                "compile", "probe-beijing", "probe-singapore",
                "contract-beijing", "contract-singapore",
            ])
        #expect(checks.allSatisfy { $0["status"] != nil && $0["duration_ms"] != nil && $0["request_ids"] != nil })
        for region in ["beijing", "singapore"] {
            let contract = try sandbox.json("contract-\(region).json")
            #expect((contract["scenarios"] as? [[String: Any]])?.count == 13 && contract["passed"] as? Bool == true)
            #expect(try sandbox.json("probe-\(region).json")["outcome"] as? String == "skipped")
        }
        #expect(result.stdout.contains("PASS  contract-beijing") && result.stdout.contains("SKIP  probe-singapore"))
    }

    enum Breakage: String, CaseIterable, Sendable {
        case missingRequestID, wrongImageSize, otherShape
    }

    @Test(
        "a cassette edited to break the contract fails the run, names the scenario and the reason, and leaves no validate.txt",
        arguments: Breakage.allCases)
    func brokenCassette(_ breakage: Breakage) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // A passing run first: its validate.txt must not survive the failing one.
        #expect(try await sandbox.validate(["--offline"]).status == 0)
        let scenario: String
        let reason: String
        switch breakage {
        case .missingRequestID:
            scenario = "basic-generation"
            reason = "request_id"
            try sandbox.editAnswer("singapore/basic-generation.json") { $0["request_id"] = nil }
        case .otherShape:
            scenario = "prompt-extend"
            reason = "does not decode"
            try sandbox.editAnswer("singapore/prompt-extend.json") { $0 = ["data": ["unexpected"]] }
        case .wrongImageSize:
            scenario = "seed-non-square"
            reason = "the image is 512*512, but usage says 1024*1536"
            let file = sandbox.cassettes.appendingPathComponent("singapore/seed-non-square.json")
            let png = PNGEncoder.gradient(width: 512, height: 512, seed: [9, 9, 9, 9, 9, 9])
            let hash = SHA256.hexDigest(of: png)
            try png.write(to: sandbox.cassettes.appendingPathComponent("singapore/bodies/\(hash).png"))
            let text = try String(contentsOf: file, encoding: .utf8)
            let old = try #require(
                text.range(of: #"bodies/[0-9a-f]{64}\.png"#, options: .regularExpression).map { String(text[$0]) })
            let oldHash = String(old.dropFirst("bodies/".count).dropLast(".png".count))
            try Data(text.replacingOccurrences(of: oldHash, with: hash).utf8).write(to: file)
            try FileManager.default.removeItem(at: sandbox.cassettes.appendingPathComponent("singapore/\(old)"))
        }
        let result = try await sandbox.validate(["--offline"])
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: sandbox.evidence.appendingPathComponent("validate.txt").path))
        #expect(result.stdout.contains("FAIL  contract-singapore") && result.stdout.contains("PASS  contract-beijing"))
        #expect(result.stdout.contains("- \(scenario): ") && result.stdout.contains(reason), "\(result.stdout)")
        let contract = try sandbox.json("contract-singapore.json")
        let scenarios = try #require(contract["scenarios"] as? [[String: Any]])
        let failed = scenarios.filter { $0["passed"] as? Bool == false }
        #expect(failed.map { $0["scenario"] as? String } == [scenario])
        #expect(
            (failed.first?["problems"] as? [[String: Any]])?.contains {
                ($0["problem"] as? String)?.contains(reason) == true
            } == true)
        #expect(try sandbox.json("summary.json")["passed"] as? Bool == false)
    }

    @Test(
        "--live against simulators playing both regions: probes ok and no drift; a simulator that drifted is reported")
    func live() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let drift = DashScopeSimulation.Drift(added: ["output_format"], removed: ["usage.image_count"])
        try await withSimulator(region: .beijing, accepting: [endToEndKey]) { beijing in
            try await withSimulator(region: .singapore, accepting: [endToEndKey], drift: drift) { singapore in
                let result = try await sandbox.validate(
                    [
                        "--live", "--base-url", "beijing=\(beijing.baseURL.absoluteString)", "--base-url",
                        "singapore=\(singapore.baseURL.absoluteString)",
                    ],
                    key: endToEndKey)
                #expect(result.status == 1, "\(result.stdout)")
                #expect(
                    result.stdout.contains("PASS  probe-beijing") && result.stdout.contains("PASS  probe-singapore"))
                #expect(
                    result.stdout.contains("PASS  drift-beijing") && result.stdout.contains("FAIL  drift-singapore"))
                let clean = try sandbox.json("drift-beijing.json")
                #expect(clean["drifted"] as? Bool == false)
                let drifted = try sandbox.json("drift-singapore.json")
                let shape = try #require(drifted["shape"] as? [String: Any])
                #expect(
                    shape["added"] as? [String] == ["output_format"]
                        && shape["missing"] as? [String] == ["usage.image_count"])
                #expect(try sandbox.json("probe-beijing.json")["outcome"] as? String == "ok")
                #expect(
                    !FileManager.default.fileExists(
                        atPath: sandbox.evidence.appendingPathComponent("validate.txt").path))

                // No evidence file holds the key.
                for file in try FileManager.default.contentsOfDirectory(
                    at: sandbox.evidence, includingPropertiesForKeys: nil)
                {
                    #expect(
                        try Data(contentsOf: file).range(of: Data(endToEndKey.utf8)) == nil,
                        "\(file.lastPathComponent) holds the key")
                }
                #expect(!result.stdout.contains(endToEndKey) && !result.stderr.contains(endToEndKey))
            }
        }
    }

    @Test("without a key (and without --offline) the probe is skipped and says why; exit 0")
    func noKey() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let result = try await sandbox.validate([])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("SKIP  probe-beijing        no key"))
        #expect(try sandbox.json("summary.json")["mode"] as? String == "default")
    }

    @Test(
        "invalid flags exit 2 naming the flag, as docs/COMMAND-LINE.md's exit codes say, and write nothing",
        arguments: [
            (["--live", "--offline"], "--live and --offline were both given"),
            (["--region", "mars"], "'mars' is invalid for '--region <region>'"),
            (
                ["--connect-to", "dashscope.aliyuncs.com:443:127.0.0.1"],
                "--connect-to: \"dashscope.aliyuncs.com:443:127.0.0.1\" is not a connect-to route"
            ),
            (["--ca-file", "/nonexistent/ca.pem"], "--ca-file /nonexistent/ca.pem cannot be read"),
        ])
    func invalidFlags(arguments: [String], mentions: String) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let result = try await sandbox.validate(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(mentions), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.evidence.path))
    }
}
