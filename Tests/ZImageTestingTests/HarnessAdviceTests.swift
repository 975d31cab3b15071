import Foundation
import Synchronization
import Testing

@testable import ZImageCurl
@testable import ZImageTestSupport
@testable import ZImageTesting

@Suite(
    "Messages that lead somewhere: the unused report tells interactions apart; update leads to a green run in one step")
struct HarnessAdviceTests {
    static func generate(
        _ seeds: [Int], name: String, mode: RecordMode?, allowUnused: Bool = false, in folder: URL
    ) async throws {
        try await withCassette(
            name, mode: mode, allowUnused: allowUnused, recordAgainst: .simulator, in: folder,
            environment: [:]
        ) { client in
            for seed in seeds { _ = try await client.generate(ImageRequest(prompt: "A lighthouse", seed: seed)) }
        }
    }

    @Test("two recorded POSTs to one URL: the unused one is named with the body field that tells it from what was sent")
    func unusedReportDistinguishes() async throws {
        try await withTemporaryDirectory("advice") { folder in
            try await Self.generate([1, 2], name: "two", mode: .once, in: folder)
            try await withKnownIssue {
                try await Self.generate([1], name: "two", mode: nil, in: folder)
            } matching: { issue in
                let text = issue.comments.map(\.rawValue).joined()
                return text.contains("never requested 1 recorded interaction")
                    && text.contains("#1 POST https://dashscope.aliyuncs.com/")
                    && text.contains("differs in body: parameters.seed: recorded 2, sent 1")
                    && text.contains("ZIMAGE_RECORD_MODE=update")
            }
        }
    }

    @Test(
        "after the code changes (seed 1 becomes 3), one run in update mode leaves exactly what it sends, and replay is green"
    )
    func updateInOneStep() async throws {
        try await withTemporaryDirectory("advice") { folder in
            try await Self.generate([1, 2], name: "changed", mode: .once, in: folder)
            try await Self.generate([3, 2], name: "changed", mode: .update, in: folder)
            let seeds = try CassetteFile.load(folder.appendingPathComponent("changed.json")).interactions.compactMap {
                $0.request.body.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                    .flatMap { ($0["parameters"] as? [String: Any])?["seed"] as? Int }
            }
            #expect(seeds.sorted() == [2, 3], "\(seeds)")
            try await Self.generate([3, 2], name: "changed", mode: nil, in: folder)  // no miss, nothing unused
        }
    }
}

@Suite("Advice that fits where it is read")
struct AdviceFitsTests {
    @Test("a miss whose only difference is parameters.seed points to ignoringJSONPaths(\"parameters.seed\")")
    func seedOnlyMiss() async throws {
        try await withTemporaryDirectory("advice") { folder in
            try await HarnessAdviceTests.generate([1], name: "seeded", mode: .once, in: folder)
            let reports = Mutex<[String]>([])
            try await withKnownIssue {
                try await HarnessAdviceTests.generate([2], name: "seeded", mode: nil, allowUnused: true, in: folder)
            } matching: { issue in
                reports.withLock { $0.append(issue.comments.map(\.rawValue).joined()) }
                return true
            }
            #expect(
                reports.withLock { $0 }.contains {
                    $0.contains(#"match without it: matching: .default.ignoringJSONPaths("parameters.seed")"#)
                })
        }
    }

    @Test("the unused report of withCassette shows withCassette's syntax; the trait's, the trait's")
    func syntaxOfTheCaller() throws {
        let replaying = ReplayingTransport(cassette: Cassette(region: nil, source: .live), rules: .standard)
        func advice(_ location: ReportLocation) -> String {
            let session = CassetteSession(
                name: "poster", mode: nil, region: .beijing, allowUnused: false, directory: URL(fileURLWithPath: "/"),
                bundle: nil, environment: [:], location: location)
            return session.unusedReport([], in: replaying, sent: [], file: URL(fileURLWithPath: "/poster.json"))
        }
        let call = advice(.call(fileID: "A/B.swift", filePath: "/B.swift", line: 1, column: 1))
        #expect(call.contains(#"withCassette("poster", allowUnused: true) { client in … }"#))
        #expect(!call.contains(".cassette("))
        let trait = advice(.test(SourceLocation(fileID: "A/B.swift", filePath: "/B.swift", line: 1, column: 1)))
        #expect(trait.contains(#".cassette("poster", allowUnused: true)"#))
    }

    @Test(
        "an unused image download is compared with the nearest download the test made, never with the generation")
    func unusedDownloadComparedWithDownloads() async throws {
        try await withTemporaryDirectory("advice") { folder in
            try await withCassette(
                "downloads", mode: .once, recordAgainst: .simulator, in: folder, environment: [:]
            ) { client in
                for seed in [1, 2] {
                    let result = try await client.generate(ImageRequest(prompt: "A lighthouse", seed: seed))
                    _ = try await client.imageData(for: result)
                }
            }
            try await withKnownIssue {
                try await withCassette("downloads", in: folder, environment: [:]) { client in
                    for seed in [1, 2] {
                        let result = try await client.generate(ImageRequest(prompt: "A lighthouse", seed: seed))
                        if seed == 1 { _ = try await client.imageData(for: result) }
                    }
                }
            } matching: { issue in
                let text = issue.comments.map(\.rawValue).joined()
                return text.contains("#3 GET https://dashscope-result-bj")
                    && text.contains("unlike the nearest request the test sent, it differs in path:")
                    && !text.contains("differs in method")
            }
            try await withKnownIssue {
                try await withCassette("downloads", in: folder, environment: [:]) { client in
                    for seed in [1, 2] {
                        _ = try await client.generate(ImageRequest(prompt: "A lighthouse", seed: seed))
                    }
                }
            } matching: { issue in
                let text = issue.comments.map(\.rawValue).joined()
                return text.contains("#1 GET https://dashscope-result-bj")
                    && text.contains("the test sent no GET request at all")
                    && !text.contains("differs in method")
            }
        }
    }
}

@Suite("A stale cassette warns")
struct StaleCassetteTests {
    @Test("older than 180 days: a warning naming its age and how to re-record; younger: nothing")
    func stale() throws {
        var cassette = Cassette(region: "beijing", source: .simulator)
        cassette.recordedAt = "2026-01-01T00:00:00Z"
        let now = try #require(ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z"))
        let file = URL(fileURLWithPath: "/tmp/old.json")
        let warning = try #require(CassetteSession.staleWarning(cassette, file: file, now: now))
        #expect(warning.contains("recorded 334 days ago") && warning.contains("ZIMAGE_RECORD_MODE=all"))
        cassette.recordedAt = "2026-11-01T00:00:00Z"
        #expect(CassetteSession.staleWarning(cassette, file: file, now: now) == nil)
    }
}
