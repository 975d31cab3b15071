// The Swift Testing trait and the XCTest closure, as a test target uses them. Compiled with the package (not run: a
// snippet is an executable, and these are test declarations).
import Testing
import XCTest
import ZImageTesting

struct PosterMaker {
    let client: ZImageClient

    func make(title: String) async throws -> ImageResult {
        try await client.generate(
            ImageRequest(prompt: "A travel poster titled \"\(title)\"", size: try ImageSize(parsing: "1024*1536")))
    }
}

// snippet.trait
@Test(.cassette("lighthouse"))
func makesAPortraitPoster() async throws {
    let poster = try await PosterMaker(client: try .cassette).make(title: "Lighthouse")
    #expect(poster.width == 1024 && poster.height == 1536)
}
// snippet.end

// snippet.xctest
final class PosterXCTests: XCTestCase {
    func testHarbourPoster() async throws {
        let poster = try await withCassette("harbour") { client in
            try await PosterMaker(client: client).make(title: "Night harbour")
        }
        XCTAssertEqual(poster.height, 1536)
    }
}
// snippet.end
