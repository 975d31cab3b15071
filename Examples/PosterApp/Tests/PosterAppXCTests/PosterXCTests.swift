// XCTest, importing only XCTest, the app and ZImageTesting: the closure API works here as under Swift Testing, and its
// reports (a miss, an unused interaction) fail the XCTest at the withCassette line (Tests/ExampleFailureFixtures proves it).
import PosterApp
import XCTest
import ZImageTesting

final class PosterXCTests: XCTestCase {
    /// The cassettes the Swift Testing suite committed, beside its own source.
    let cassettes = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../PosterAppTests/Cassettes").standardizedFileURL

    func testHarbourPosterFromTheCassette() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("posters-\(UUID().uuidString)")
        let poster = try await withCassette("harbour", in: cassettes) { client in
            try await PosterMaker(client: client, folder: folder).make(title: "Night harbour")
        }
        XCTAssertEqual(poster.title, "Night harbour")
        XCTAssertEqual(poster.file.lastPathComponent, "night-harbour.png")
    }
}
