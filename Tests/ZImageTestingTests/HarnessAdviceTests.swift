import Foundation
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
