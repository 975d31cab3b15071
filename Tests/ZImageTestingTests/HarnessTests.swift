import Foundation
import Synchronization
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport
@testable import ZImageTesting

/// The request the committed `calm-lake` cassette answers.
let calmLake = ImageRequest(prompt: "A calm lake at dawn", seed: 7)

/// Whether an issue's comments or error contain `text`.
func mentions(_ issue: Issue, _ text: String) -> Bool {
    issue.comments.contains { $0.rawValue.contains(text) } || (issue.error.map { "\($0)".contains(text) } ?? false)
}

@Suite("withCassette: hits, misses with their JSON paths, unused interactions, no real waits")
struct ReplayHarnessTests {
    @Test("a hit: the closure gets a client on the cassette beside this file")
    func hit() async throws {
        let result = try await withCassette("calm-lake") { client in
            let result = try await client.generate(calmLake)
            try await withTemporaryDirectory("harness") { folder in
                _ = try await client.downloadImage(result, to: folder.appendingPathComponent("lake.png"))
            }
            return result
        }
        #expect(
            result.width == 1024
                && result.imageURL.hasPrefix("https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/"))
    }

    @Test("a miss is an issue at the caller naming the JSON path, both values, the file and how to re-record")
    func miss() async throws {
        let seen = Mutex<[String]>([])
        try await withKnownIssue {
            _ = try await withCassette("calm-lake", allowUnused: true) { client in
                try await client.generate(ImageRequest(prompt: "A calm lake at dawn", seed: 8))
            }
        } matching: { issue in
            seen.withLock { $0.append(issue.comments.map(\.rawValue).joined() + (issue.error.map { "\($0)" } ?? "")) }
            return mentions(issue, "parameters.seed: recorded 7, sent 8") || issue.error is CassetteTestError
        }
        let report = try #require(seen.withLock { $0 }.first { $0.contains("parameters.seed") })
        for part in [
            "Cassettes/calm-lake.json", "record mode none", "ZIMAGE_RECORD_MODE=update",
            "ZIMAGE_RECORD_AGAINST=simulator",
        ] {
            #expect(report.contains(part), "\(report)")
        }
    }

    @Test("a miss the code under test catches is still reported")
    func caughtMiss() async throws {
        try await withKnownIssue {
            try await withCassette("calm-lake", allowUnused: true) { client in
                _ = try? await client.generate(ImageRequest(prompt: "Another lake"))
            }
        } matching: { issue in
            mentions(issue, "differs in body") && mentions(issue, "input.messages[0].content[0].text")
        }
    }

    @Test("an interaction the test never requested is an issue, unless allowed")
    func unused() async throws {
        try await withKnownIssue {
            try await withCassette("calm-lake") { client in
                _ = try await client.generate(calmLake)  // the image download is never requested
            }
        } matching: { issue in
            mentions(issue, "never requested 1 recorded interaction")
                && mentions(issue, "#1 GET https://dashscope-result-bj")
                && !mentions(issue, "Signature")
        }
        try await withCassette("calm-lake", allowUnused: true) { client in
            _ = try await client.generate(calmLake)
        }
    }

    @Test("a cassette whose 429 asks for Retry-After: 30 replays without waiting for it")
    func retryAfterIsNotWaited() async throws {
        try await withTemporaryDirectory("harness") { folder in
            let source = committedCassettes.appendingPathComponent("beijing/throttled-then-success.json")
            var text = try String(contentsOf: source, encoding: .utf8)
            #expect(text.contains(#""retry-after" : "1""#))
            text = text.replacingOccurrences(of: #""retry-after" : "1""#, with: #""retry-after" : "30""#)
            try Data(text.utf8).write(to: folder.appendingPathComponent("throttled.json"))
            try FileManager.default.copyItem(
                at: source.deletingLastPathComponent().appendingPathComponent("bodies"),
                to: folder.appendingPathComponent("bodies"))
            let started = ContinuousClock.now
            try await withCassette("throttled", in: folder) { client in
                let result = try await client.generate(ImageRequest(prompt: "A lake after a throttled first try"))
                _ = try await client.downloadImage(result, to: folder.appendingPathComponent("lake.png"))
            }
            // The replayed 429 asked for 30 s; the clock of a replay skips waits (a bound that proves no real sleep).
            #expect(started.duration(to: .now) < .seconds(10))
        }
    }

    @Test("replays fall back to the test bundle's Cassettes/ when the sources are not there")
    func bundleFallback() async throws {
        try await withTemporaryDirectory("harness") { empty in
            let result = try await withCassette("calm-lake", allowUnused: true, in: empty, bundle: .module) { client in
                try await client.generate(calmLake)
            }
            #expect(result.width == 1024)
        }
    }

    @Test("a missing cassette, or an unknown ZIMAGE_RECORD_MODE, is a clear error")
    func clearErrors() async throws {
        try await withTemporaryDirectory("harness") { empty in
            let missing = try await #require(throws: CassetteError.self) {
                try await withCassette("nothing", in: empty, environment: [:]) { _ in }
            }
            #expect(missing.code == .notFound)
            #expect(
                missing.description.contains("nothing.json does not exist")
                    && missing.description.contains("ZIMAGE_RECORD_MODE=update")
                    && !missing.description.contains("--record-mode"))
            let mode = try await #require(throws: CassetteTestError.self) {
                try await withCassette("calm-lake", environment: ["ZIMAGE_RECORD_MODE": "sometimes"]) { _ in }
            }
            #expect(
                mode.description
                    == #"ZIMAGE_RECORD_MODE is "sometimes"; allowed: none, once, new-episodes, update, all (none, the default, only replays)"#
            )
        }
    }
}

@Suite("withCassette recording against the simulator: written beside the test, redacted, replayed without a server")
struct RecordHarnessTests {
    static let key = "sk-test-harness-2b7e91d4c3"

    @Test("record once against the simulator, then replay with no server running")
    func recordThenReplay() async throws {
        try await withTemporaryDirectory("harness") { folder in
            let recorded = try await withSimulator(accepting: [Self.key]) { server in
                let environment = ["DASHSCOPE_API_KEY": Self.key, "DASHSCOPE_BASE_URL": server.baseURL.absoluteString]
                return try await withCassette("poster", mode: .once, in: folder, environment: environment) { client in
                    let result = try await client.generate(ImageRequest(prompt: "A lighthouse", seed: 3))
                    let image = try await client.downloadImage(result, to: folder.appendingPathComponent("live.png"))
                    return (result.requestID, image.sha256)
                }
            }
            let file = folder.appendingPathComponent("poster.json")
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.contains("Bearer <redacted>") && text.contains("https://dashscope.aliyuncs.com/"))
            #expect(!text.contains("127.0.0.1") && text.contains("Signature=REDACTED"))
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("bodies").path).count
                    == 1)
            for (path, bytes) in try allBytes(under: folder) {
                #expect(bytes.range(of: Data(Self.key.utf8)) == nil, "\(path) holds the key")
            }
            // No server now, and no key: the default mode replays.
            let replayed = try await withCassette("poster", in: folder, environment: [:]) { client in
                let result = try await client.generate(ImageRequest(prompt: "A lighthouse", seed: 3))
                let image = try await client.downloadImage(result, to: folder.appendingPathComponent("replayed.png"))
                return (result.requestID, image.sha256)
            }
            #expect(replayed == recorded)
        }
    }

    @Test("a recording that breaks the contract is reported and not written")
    func contractBreak() async throws {
        try await withTemporaryDirectory("harness") { folder in
            try await withSimulator(accepting: [Self.key], drift: .init(removed: ["request_id"])) { server in
                let environment = ["DASHSCOPE_API_KEY": Self.key, "DASHSCOPE_BASE_URL": server.baseURL.absoluteString]
                try await withKnownIssue {
                    try await withCassette("drifted", mode: .once, in: folder, environment: environment) { client in
                        _ = try await client.generate(ImageRequest(prompt: "A lighthouse"))
                    }
                } matching: { issue in
                    mentions(issue, "drifted.json was not written: it breaks the contract")
                        && mentions(issue, "no request_id") && mentions(issue, "nothing was written")
                }
            }
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("drifted.json").path))
        }
    }

    @Test("CI=true refuses to record unless ZIMAGE_ALLOW_RECORDING=1, and says so")
    func ciGuard() async throws {
        try await withTemporaryDirectory("harness") { folder in
            let error = try await #require(throws: CassetteError.self) {
                try await withCassette(
                    "ci", mode: .once, in: folder, environment: ["CI": "true", "DASHSCOPE_API_KEY": Self.key]
                ) { _ in }
            }
            #expect(error.code == .recordingRefused)
            #expect(
                error.description.contains("CI=true is set") && error.description.contains("ZIMAGE_ALLOW_RECORDING=1"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        }
    }
}

@Suite("withSimulator(faults:): a scoped DashScope for tests of error handling")
struct SimulatorHarnessTests {
    @Test("a 429 with Retry-After: 30 is retried at once, and the generation succeeds")
    func throttled() async throws {
        let started = ContinuousClock.now
        let result = try await withSimulator(faults: [.throttled(retryAfter: 30)]) { client in
            try await client.generate(ImageRequest(prompt: "A lake"))
        }
        #expect(result.width == 1024 && !result.requestID.isEmpty)
        // The 30 s were skipped, not waited: a bound far below the wait, and far above any machine's speed (a loaded
        // 2-core CI machine once took 10 s here, a connection closed by the server's header timeout and sent again).
        #expect(started.duration(to: .now) < .seconds(25))
    }

    @Test("an expired image URL is a download failure with OSS's 403")
    func expiredImage() async throws {
        try await withTemporaryDirectory("harness") { folder in
            let error = try await #require(throws: ZImageError.self) {
                try await withSimulator(faults: [.expiredImageURL]) { client in
                    let result = try await client.generate(ImageRequest(prompt: "A lake"))
                    _ = try await client.downloadImage(result, to: folder.appendingPathComponent("lake.png"))
                }
            }
            #expect(error.code == .download && error.downloadFailure?.status == 403)
            #expect(error.description.contains("valid for 24 hours"))
        }
    }
}

@Suite("DashScopeFault.documented: every documented error, as a client meets it")
struct DocumentedFaultTests {
    @Test("the list holds each status and code of the contract's table once, with DashScope's message")
    func everyRow() {
        let pairs = DashScopeFault.documented.map { "\($0.status ?? 0) \($0.code ?? "")" }
        let table = DashScopeAPI.documentedErrors.flatMap { row in row.codes.map { "\(row.status) \($0)" } }
        #expect(pairs == table)
        #expect(Set(pairs).count == pairs.count)
        for fault in DashScopeFault.documented {
            guard case .status(_, _, let message, let retryAfter) = fault.simulatorFault else {
                Issue.record("\(fault) is not in DashScope's error shape")
                continue
            }
            #expect(message != "simulated failure" && !message.isEmpty, "\(fault)")
            #expect((retryAfter != nil) == (fault.status == 429), "\(fault)")
            #expect(fault.times == 1)
        }
        #expect(DashScopeFault.unauthorized.status == 401 && !DashScopeFault.unauthorized.isRetried)
        #expect(DashScopeFault.connectionReset.isRetried && DashScopeFault.connectionReset.status == nil)
        #expect(DashScopeFault.throttled().repeated(3).times == 3)
    }

    @Test(
        "a retried fault is retried and the generation succeeds; a final one reaches the app as the typed error",
        arguments: DashScopeFault.documented)
    func played(_ fault: DashScopeFault) async throws {
        if fault.isRetried {
            let result = try await withSimulator(faults: [fault]) { client in
                try await client.generate(ImageRequest(prompt: "A lake"))
            }
            #expect(result.width == 1024)
            // Played on every attempt, the same fault comes back as the error, after the policy's four attempts.
            let error = try await #require(throws: ZImageError.self) {
                try await withSimulator(faults: [fault.repeated(4)]) { client in
                    try await client.generate(ImageRequest(prompt: "A lake"))
                }
            }
            let failure = try #require(error.apiFailure)
            #expect(failure.attempts == 4)
            #expect(failure.status == fault.status && failure.code == fault.code)
            // What an app passes on: the server's Retry-After, and where the request went.
            #expect(failure.retryAfter == (fault.status == 429 ? .seconds(1) : nil))
            #expect(failure.region == .beijing)
            if fault.status == 429 { #expect(error.description.contains("retry after 1 s")) }
        } else {
            let error = try await #require(throws: ZImageError.self) {
                try await withSimulator(faults: [fault]) { client in
                    try await client.generate(ImageRequest(prompt: "A lake"))
                }
            }
            let failure = try #require(error.apiFailure)
            #expect(failure.status == fault.status && failure.code == fault.code && failure.attempts == 1)
            #expect(failure.retryAfter == nil && failure.region == .beijing)
            guard case .status(_, _, let message, _) = fault.simulatorFault else { return }
            #expect(failure.message == message)
            #expect(failure.requestID?.isEmpty == false)
        }
    }
}

@Suite("The typed API error carries what an app passes on")
struct APIFailureDetailTests {
    @Test("a 401 in Singapore names the region, is not retried, and hints at the other region's key")
    func unauthorized() async throws {
        let error = try await #require(throws: ZImageError.self) {
            try await withSimulator(region: .singapore, faults: [.unauthorized]) { client in
                try await client.generate(ImageRequest(prompt: "A lake", size: .landscape16x9))
            }
        }
        let failure = try #require(error.apiFailure)
        #expect(failure.status == 401 && failure.code == "InvalidApiKey" && failure.attempts == 1)
        #expect(failure.region == .singapore && failure.retryAfter == nil)
        #expect(error.description.contains(Region.singapore.displayName))
    }

    @Test("a 429's Retry-After, in seconds, reaches the error after the retries")
    func retryAfter() async throws {
        let error = try await #require(throws: ZImageError.self) {
            try await withSimulator(faults: [.throttled(retryAfter: 30, times: 4)]) { client in
                try await client.generate(ImageRequest(prompt: "A lake"))
            }
        }
        #expect(error.apiFailure?.retryAfter == .seconds(30))
        #expect(error.description.contains("retry after 30 s"))
    }
}
