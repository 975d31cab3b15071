import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTesting

/// The one line a user writes: `@Test(.cassette("name"))`, then `try ZImageClient.cassette`. These two tests replay
/// cassettes committed beside this file (recorded with this very trait against `zimage serve --simulate`), and run in
/// parallel, each on its own cassette.
@Suite("@Test(.cassette): replay beside the source, one cassette per test, in parallel")
struct TraitTests {
    @Test(.cassette("calm-lake"))
    func calmLake() async throws {
        let client = try ZImageClient.cassette
        let result = try await client.generate(ImageRequest(prompt: "A calm lake at dawn", seed: 7))
        #expect(result.width == 1024 && result.height == 1024 && result.prompt == "A calm lake at dawn")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-trait-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = try await client.downloadImage(result, to: folder.appendingPathComponent("lake.png"))
        #expect(image.width == 1024 && image.height == 1024 && image.byteCount > 0)
    }

    @Test(.cassette("red-fox", region: .singapore))
    func redFox() async throws {
        let client = try ZImageClient.cassette
        let result = try await client.generate(
            try ImageRequest(
                prompt: "A red fox in fresh snow", size: "1024*1536", seed: 42,
                baseURL: nil))
        #expect(result.width == 1024 && result.height == 1536)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-trait-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await client.downloadImage(result, to: folder.appendingPathComponent("fox.png"))
    }

    @Test("outside a .cassette test, ZImageClient.cassette says where it works")
    func outsideScope() throws {
        let error = try #require(throws: CassetteTestError.self) { try ZImageClient.cassette }
        #expect(error.description.contains("@Test(.cassette(\"name\"))") && error.description.contains("withCassette"))
    }
}

/// The trait's own reports, checked by running its scope inside `withKnownIssue` (a failing `@Test(.cassette)` would
/// fail this suite).
@Suite("@Test(.cassette) reports misses and unused interactions at the test")
struct TraitReportTests {
    /// Runs `body` in the scope of `.cassette(name)`, as the testing library would for a test marked with it.
    func inScope(of trait: CassetteTrait, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let test = try #require(Test.current)
        try await trait.provideScope(for: test, testCase: Test.Case.current, performing: body)
    }

    @Test("a miss inside a .cassette test is an issue naming the JSON path that differs")
    func miss() async throws {
        try await withKnownIssue {
            try await inScope(of: .cassette("calm-lake", allowUnused: true)) {
                _ = try await ZImageClient.cassette.generate(ImageRequest(prompt: "A calm lake at dusk", seed: 7))
            }
        } matching: { issue in
            issue.comments.contains {
                $0.rawValue.contains(
                    #"input.messages[0].content[0].text: recorded "A calm lake at dawn", sent "A calm lake at dusk""#)
            }
        }
    }

    @Test("an interaction a .cassette test never requested is an issue")
    func unused() async throws {
        try await withKnownIssue {
            try await inScope(of: .cassette("calm-lake")) {
                _ = try await ZImageClient.cassette.generate(calmLake)
            }
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("never requested 1 recorded interaction") }
        }
    }

    @Test("two cassettes used at once in one process answer each its own requests")
    func concurrentCassettes() async throws {
        async let lake = withCassette("calm-lake", allowUnused: true) { client in try await client.generate(calmLake) }
        async let fox = withCassette("red-fox", region: .singapore, allowUnused: true) { client in
            try await client.generate(
                try ImageRequest(prompt: "A red fox in fresh snow", size: "1024*1536", seed: 42, baseURL: nil))
        }
        let (first, second) = try await (lake, fox)
        #expect(first.height == 1024 && second.height == 1536 && first.requestID != second.requestID)
    }
}
