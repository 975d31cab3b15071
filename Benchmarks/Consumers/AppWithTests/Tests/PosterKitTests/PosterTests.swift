import Foundation
import PosterKit
import Testing
import ZImageTesting

@Test("a poster is drawn against a scoped simulator")
func drawsAPoster() async throws {
    try await withSimulator { client in
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("posters-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = try await Posters(client: client).draw("Lighthouse", in: folder)
        #expect(FileManager.default.fileExists(atPath: file.path))
    }
}
