import Foundation
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageContract
@testable import ZImageContractSuite
@testable import ZImageHTTP
@testable import ZImageRehearsal
@testable import ZImageSimulator
@testable import ZImageTestSupport

/// The live commands as a user runs them, on DashScope's real URLs, routed to the rehearsal server by ZIMAGE_CONNECT_TO
/// and trusting its CA; anything not routed goes to a proxy that cannot be reached.
@Suite("The live commands on the real hostnames, against the TLS rehearsal server", .timeLimit(.minutes(2)))
struct RehearsalCommandTests {
    func environment(_ rehearsal: DashScopeRehearsal) -> [String: String] {
        [
            "DASHSCOPE_API_KEY": endToEndKey, "ZIMAGE_CONNECT_TO": rehearsal.routes.joined(separator: ","),
            "https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
        ]
    }

    @Test("validate --live: both probes and both drift checks pass against a simulator that keeps the contract")
    func validateLivePasses() async throws {
        try await withRehearsal(accepting: [endToEndKey]) { rehearsal, caFile in
            let sandbox = try ValidateCommandTests.Sandbox()
            defer { sandbox.remove() }
            let result = try await sandbox.validate(["--live", "--ca-file", caFile], extra: environment(rehearsal))
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            for check in ["probe-beijing", "probe-singapore", "drift-beijing", "drift-singapore"] {
                #expect(result.stdout.contains("PASS  \(check)"), "\(check): \(result.stdout)")
            }
            #expect(
                try sandbox.json("drift-singapore.json")["endpoint"] as? String
                    == Region.singapore.generationURL.absoluteString)
            #expect(!result.stdout.contains(endToEndKey) && !result.stderr.contains(endToEndKey))
        }
    }

    @Test(
        "validate --live reports a simulator that drifted (a field added, one removed) as drift, naming both, and exits 1"
    )
    func validateLiveReportsDrift() async throws {
        let drift = DashScopeSimulation.Drift(added: ["moderation"], removed: ["usage.image_count"])
        try await withRehearsal(accepting: [endToEndKey], drift: drift) { rehearsal, caFile in
            let sandbox = try ValidateCommandTests.Sandbox()
            defer { sandbox.remove() }
            let result = try await sandbox.validate(
                ["--live", "--region", "beijing", "--ca-file", caFile], extra: environment(rehearsal))
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("PASS  probe-beijing"))
            let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("drift-beijing") })
            #expect(line.hasPrefix("FAIL") && line.contains("moderation") && line.contains("image_count"), "\(line)")
            let evidence = try sandbox.json("drift-beijing.json")
            #expect(evidence["drifted"] as? Bool == true)
            #expect(
                !FileManager.default.fileExists(atPath: sandbox.evidence.appendingPathComponent("validate.txt").path))
        }
    }

    @Test(
        "cassettes record --live: what it records says source: simulator, passes check, replays to its expected outcomes, holds no key"
    )
    func recordLive() async throws {
        try await withRehearsal(accepting: [endToEndKey]) { rehearsal, caFile in
            try await withTemporaryDirectory("rehearsal-record") { folder in
                let cassettes = folder.appendingPathComponent("cassettes")
                var environment = environment(rehearsal)
                environment["HOME"] = folder.path
                let recorded = try await run(
                    "zimage",
                    [
                        "cassettes", "record", "--live", "--region", "singapore", "--dir", cassettes.path,
                        "--ca-file", caFile,
                    ], environment: environment)
                #expect(recorded.status == 0, "\(recorded.stdout)\(recorded.stderr)")
                let check = try await run(
                    "zimage", ["cassettes", "check", "--dir", cassettes.path], environment: ["HOME": folder.path])
                #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

                let files = try FileManager.default.contentsOfDirectory(
                    at: cassettes.appendingPathComponent("singapore"),
                    includingPropertiesForKeys: nil
                )
                .filter { $0.pathExtension == "json" }
                // The scenarios a live API produces on demand; the others need injected faults and are skipped.
                #expect(files.count == 7, "\(recorded.stdout)")
                for file in files {
                    let cassette = try CassetteFile.load(file)
                    #expect(cassette.source == .simulator, "\(file.lastPathComponent)")
                    #expect(cassette.interactions.allSatisfy { $0.request.url.hasPrefix("https://dashscope") })
                    let report = await ScenarioRunner.run(file)
                    #expect(report.passed, "\(file.lastPathComponent): \(report)")
                }
                for (path, bytes) in try allBytes(under: cassettes) {
                    let text = String(decoding: bytes, as: UTF8.self)
                    #expect(!text.contains(endToEndKey) && !text.lowercased().contains("x-cassette-source"), "\(path)")
                }
            }
        }
    }
}
