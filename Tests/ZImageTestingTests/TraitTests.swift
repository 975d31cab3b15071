import Foundation
import Testing
import ZImage
import ZImageTesting

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
        let result = try await client.generate(try ImageRequest(prompt: "A red fox in fresh snow", size: "1024*1536", seed: 42,
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
