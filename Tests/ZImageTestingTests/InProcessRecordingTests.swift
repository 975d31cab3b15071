import Foundation
import Testing

@testable import ZImageCurl
@testable import ZImageTestSupport
@testable import ZImageTesting

@Suite("Recording without the command line: an in-process simulator, faults per test")
struct InProcessRecordingTests {
    @Test(
        "a throttled-then-successful generation recorded in-process (no key, no server, no wait) replays with its 429")
    func throttledPath() async throws {
        try await withTemporaryDirectory("in-process") { folder in
            let started = ContinuousClock.now
            let recorded = try await withCassette(
                "throttled", mode: .once, recordAgainst: .simulator,
                simulate: [.throttled(retryAfter: 30)], in: folder, environment: [:]
            ) { client in
                try await client.generateReporting(ImageRequest(prompt: "A lighthouse", seed: 4))
            }
            // The client's clock counted the 30 s Retry-After; the test did not wait for it (a bound far below it).
            #expect(recorded.attempts == 2 && recorded.duration >= .seconds(30))
            #expect(started.duration(to: .now) < .seconds(25))
            let cassette = try CassetteFile.load(folder.appendingPathComponent("throttled.json"))
            #expect(cassette.source == .simulator && cassette.interactions.map(\.response.status) == [429, 200])
            #expect(cassette.interactions[0].request.url.hasPrefix("https://dashscope.aliyuncs.com/"))
            let replayed = try await withCassette("throttled", in: folder, environment: [:]) { client in
                try await client.generateReporting(ImageRequest(prompt: "A lighthouse", seed: 4))
            }
            #expect(replayed.attempts == 2 && replayed.result.requestID == recorded.result.requestID)
        }
    }

    @Test("ZIMAGE_RECORD_AGAINST=simulator needs no key; an unknown value is a clear error naming the allowed ones")
    func environmentVariable() async throws {
        try await withTemporaryDirectory("in-process") { folder in
            let environment = ["ZIMAGE_RECORD_MODE": "once", "ZIMAGE_RECORD_AGAINST": "simulator"]
            _ = try await withCassette("plain", in: folder, environment: environment) { client in
                try await client.generate(ImageRequest(prompt: "A lighthouse", seed: 4))
            }
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("plain.json").path))
            let error = try await #require(throws: CassetteTestError.self) {
                try await withCassette(
                    "other", in: folder, environment: ["ZIMAGE_RECORD_MODE": "once", "ZIMAGE_RECORD_AGAINST": "mars"]
                ) { _ in }
            }
            #expect(
                error.description
                    == #"ZIMAGE_RECORD_AGAINST is "mars"; allowed: dashscope, simulator (dashscope, the default, records the real API)"#
            )
        }
    }
}

@Suite("Re-recording unchanged code changes no byte")
struct NoChurnTests {
    @Test(
        "recorded in-process, then again with mode all a second later: the cassette and its images are byte for byte the same"
    )
    func sameBytes() async throws {
        try await withTemporaryDirectory("churn") { folder in
            func record(_ mode: RecordMode) async throws {
                _ = try await withCassette("same", mode: mode, recordAgainst: .simulator, in: folder, environment: [:])
                { client in
                    let result = try await client.generate(ImageRequest(prompt: "A lighthouse", seed: 9))
                    return try await client.downloadImage(
                        result,
                        to: FileManager.default.temporaryDirectory
                            .appendingPathComponent("churn-\(UUID().uuidString).png")
                    ).sha256
                }
            }
            try await record(.once)
            let first = try allBytes(under: folder).sorted { $0.0 < $1.0 }
            try await Task.sleep(for: .milliseconds(1100))  // a new recorded_at, were the file rewritten
            try await record(.all)
            let second = try allBytes(under: folder).sorted { $0.0 < $1.0 }
            #expect(first.map(\.0) == second.map(\.0) && first.map(\.1) == second.map(\.1))
        }
    }
}
