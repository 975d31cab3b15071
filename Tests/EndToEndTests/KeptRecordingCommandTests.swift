import Foundation
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageHTTP
@testable import ZImageRehearsal
@testable import ZImageSimulator
@testable import ZImageTestSupport

/// The commands a user re-records with never replace a committed cassette with a recording that failed, and say so.
@Suite("Recording commands keep committed cassettes when the recording fails", .timeLimit(.minutes(2)))
struct KeptRecordingCommandTests {
    let zimage = productsFolder.appendingPathComponent("zimage").path

    @Test("cassettes record --against an origin nothing listens on: exit 1, the cassette kept, and why")
    func againstNothing() async throws {
        try await withTemporaryDirectory("e2e-kept") { folder in
            let cassettes = try copyOfCommittedCassettes(in: folder)
            let before = try snapshot(of: cassettes)
            let result = try await runChild(
                zimage,
                [
                    "cassettes", "record", "--region", "beijing", "--against", "http://127.0.0.1:1",
                    "--scenario", "basic-generation", "--dir", cassettes.path,
                ], environment: ["HOME": folder.path])
            #expect(result.status == 1)
            #expect(!result.stdout.contains("written"), "\(result.stdout)")
            let file = cassettes.appendingPathComponent("beijing/basic-generation.json").path
            #expect(
                result.stderr.hasPrefix(
                    "zimage: kept \(file): the recording failed (the connection to 127.0.0.1:1 was refused"))
            #expect(result.stderr.contains("; nothing was written"))
            #expect(try snapshot(of: cassettes) == before)
        }
    }

    @Test("cassettes record --live with DashScope's hosts unreachable: every scenario is kept and reported, exit 1")
    func liveUnreachable() async throws {
        try await withTemporaryDirectory("e2e-kept") { folder in
            let cassettes = try copyOfCommittedCassettes(in: folder)
            let before = try snapshot(of: cassettes)
            let routes = Region.allCases.flatMap { region in
                [region.host, region.exampleResultHost]
            }.flatMap { ["--connect-to", "\($0):443:127.0.0.1:1"] }
            let result = try await runChild(
                zimage,
                ["cassettes", "record", "--region", "beijing", "--live", "--dir", cassettes.path] + routes,
                environment: ["HOME": folder.path, "DASHSCOPE_API_KEY": TestKeys.endToEnd.value])
            #expect(result.status == 1)
            let kept = result.stderr.split(separator: "\n").filter { $0.hasPrefix("zimage: kept ") }
            #expect(kept.count == 7, "every live-reproducible scenario is reported: \(result.stderr)")
            #expect(kept.allSatisfy { $0.contains("the recording failed (") && $0.hasSuffix("nothing was written") })
            #expect(!result.stdout.contains("written"))
            #expect(try snapshot(of: cassettes) == before)
        }
    }

    @Test("cassettes record --live against a TLS server its CA does not vouch for: every cassette kept, exit 1")
    func liveUntrusted() async throws {
        try await withRehearsal(accepting: [TestKeys.endToEnd.value]) { rehearsal, _ in
            try await withTemporaryDirectory("e2e-kept") { folder in
                let cassettes = try copyOfCommittedCassettes(in: folder)
                let before = try snapshot(of: cassettes)
                let result = try await runChild(
                    zimage,
                    ["cassettes", "record", "--region", "singapore", "--live", "--dir", cassettes.path]
                        + rehearsal.routes.flatMap { ["--connect-to", $0] },
                    environment: ["HOME": folder.path, "DASHSCOPE_API_KEY": TestKeys.endToEnd.value])
                #expect(result.status == 1)
                #expect(result.stderr.contains("zimage: kept "), "\(result.stderr)")
                #expect(try snapshot(of: cassettes) == before)
            }
        }
    }

    @Test(
        "SIGINT or SIGTERM mid-recording: cassettes record and generate --mode record leave the cassette as it was",
        arguments: [SIGINT, SIGTERM])
    func interrupted(_ signal: Int32) async throws {
        try await using(try await Workspace.start()) { workspace in
            let cassettes = try copyOfCommittedCassettes(in: workspace.folder)
            let before = try snapshot(of: cassettes)
            let generate = [
                "generate", "--mode", "record", "--record-mode", "all", "--quiet", "--cassette",
                cassettes.appendingPathComponent("beijing/quick-start.json").path, "--base-url", workspace.endpoint,
                "--prompt", "A lighthouse",
            ]
            let record = [
                "cassettes", "record", "--region", "beijing", "--against", workspace.server.baseURL.absoluteString,
                "--scenario", "basic-generation", "--dir", cassettes.path,
            ]
            for arguments in [record, generate] {
                let connected = workspace.server.acceptedConnections
                workspace.server.inject(.delayBeforeHeaders(.seconds(60)))
                let (_, status) = try await withChild(zimage, arguments, environment: workspace.environment()) {
                    child in
                    let deadline = ContinuousClock.now + .seconds(20)
                    while workspace.server.acceptedConnections == connected && .now < deadline {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    try await Task.sleep(for: .milliseconds(100))  // the request is under way
                    try child.send(signal)
                }
                #expect(status != 0, "\(arguments[0]) was not interrupted")
                #expect(try snapshot(of: cassettes) == before, "\(arguments[0]) changed a cassette")
            }
        }
    }

    @Test("generate --mode record with the origin unreachable: exit 1, and the committed cassette kept, saying so")
    func generateUnreachable() async throws {
        try await using(try await Workspace.start()) { workspace in
            let cassettes = try copyOfCommittedCassettes(in: workspace.folder)
            let before = try snapshot(of: cassettes)
            let file = cassettes.appendingPathComponent("beijing/quick-start.json").path
            let result = try await workspace.zimage([
                "generate", "--mode", "record", "--record-mode", "all", "--quiet", "--cassette", file,
                "--base-url", "http://127.0.0.1:1", "--prompt", "A lighthouse", "--max-attempts", "1",
            ])
            #expect(result.status == 1)
            #expect(result.stderr.contains("zimage: kept \(file): the recording failed ("), "\(result.stderr)")
            #expect(try snapshot(of: cassettes) == before)
        }
    }

    @Test("two processes running generate --record-mode update on one cassette keep both generations")
    func twoProcessesUpdate() async throws {
        try await using(try await Workspace.start()) { workspace in
            let cassette = workspace.folder.appendingPathComponent("poster.json").path
            let prompts = ["A lighthouse at dusk", "A harbour at dawn"]
            for prompt in prompts {
                let seeded = try await workspace.zimage([
                    "generate", "--mode", "record", "--record-mode", "new-episodes", "--cassette", cassette,
                    "--prompt", prompt, "--seed", "3", "--base-url", workspace.endpoint, "--quiet",
                ])
                #expect(seeded.status == 0, "\(seeded.stderr)")
            }
            let requests = workspace.server.requestCount
            // Both processes open the cassette while the test holds the lock its writers take, so both have replayed
            // before either can commit: the overlap of two runs, every time.
            let folderLock = open(workspace.folder.path, O_RDONLY | O_DIRECTORY)
            #expect(folderLock >= 0 && flock(folderLock, LOCK_EX) == 0)
            try await withThrowingTaskGroup(of: RunResult.self) { group in
                for prompt in prompts {
                    group.addTask {
                        try await workspace.zimage([
                            "generate", "--mode", "record", "--record-mode", "update", "--cassette", cassette,
                            "--prompt", prompt, "--seed", "3", "--base-url", workspace.endpoint, "--quiet",
                        ])
                    }
                }
                try await Task.sleep(for: .seconds(2))
                close(folderLock)
                for try await result in group { #expect(result.status == 0, "\(result.stderr)") }
            }
            #expect(workspace.server.requestCount == requests, "both replayed what they had")
            #expect(try CassetteFile.load(URL(fileURLWithPath: cassette)).interactions.count == 4)
            for prompt in prompts {
                let replayed = try await workspace.zimage([
                    "generate", "--mode", "replay", "--cassette", cassette, "--prompt", prompt, "--seed", "3",
                    "--quiet",
                ])
                #expect(replayed.status == 0, "\(prompt): \(replayed.stderr)")
            }
        }
    }

    @Test("cassettes check fails an empty cassette, saying what to do; validate-style replays refuse it too")
    func emptyCassette() async throws {
        try await withTemporaryDirectory("e2e-kept") { folder in
            let file = folder.appendingPathComponent("empty.json")
            try CassetteFile.write(Cassette(region: "beijing", source: .live), to: file)
            let result = try await runChild(
                zimage, ["cassettes", "check", "--dir", folder.path], environment: ["HOME": folder.path])
            #expect(result.status == 2)
            #expect(result.stdout.contains("has no interactions, so replaying it proves nothing"), "\(result.stdout)")
        }
    }
}
