import Foundation
import Testing

@testable import ZImage
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

/// The image goes from libcurl's write callback to the part file, verified as it arrives.
@Suite("Downloads streamed through the live transport", .timeLimit(.minutes(1)))
struct StreamedDownloadTests {
    /// The files in `folder` whose names end in `.part`.
    func partFiles(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".part") }
    }

    @Test(
        "a 2048*2048 image streams to its file: the bytes, hash and size are those fetched in memory, and no part file remains"
    )
    func streams() async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            try await withTemporaryDirectory("streamed") { folder in
                let client = fixture.client()
                let result = try await client.generate(try fixture.request(size: "2048*2048"))
                let destination = folder.appendingPathComponent("image.png")
                let image = try await client.downloadImage(result, to: destination)
                let inMemory = try await client.imageData(for: result)
                let written = try Data(contentsOf: destination)
                #expect(written == inMemory && image.byteCount == written.count)
                #expect(image.sha256 == SHA256.hexDigest(of: written))
                #expect(image.width == 2048 && image.height == 2048)
                #expect(try partFiles(in: folder).isEmpty)
            }
        }
    }

    @Test(
        "a body cut short, a damaged chunk, or a PNG of another size leaves the file there as it was and no part file",
        arguments: ["cut short", "damaged", "other size"])
    func refused(_ kind: String) async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            try await withTemporaryDirectory("streamed") { folder in
                let client = fixture.client()
                let result = try await client.generate(try fixture.request(size: "1024*1024"))
                let destination = folder.appendingPathComponent("image.png")
                try Data("the old image".utf8).write(to: destination)
                var png = [UInt8](
                    PNGEncoder.gradient(width: kind == "other size" ? 512 : 1024, height: 1024, seed: [1]))
                switch kind {
                case "cut short": fixture.server.inject(.truncatedBody, pathPrefix: "/")
                case "damaged": png[png.count / 2] ^= 0xFF
                default: break
                }
                if kind != "cut short" {
                    fixture.server.inject(
                        .raw(status: 200, contentType: "image/png", body: Data(png)),
                        path: URL(string: result.imageURL)?.path)
                }
                let error = try await #require(throws: ZImageError.self) {
                    try await client.downloadImage(result, to: destination)
                }
                #expect(error.code == .download, "\(error)")
                let reason = error.downloadFailure?.reason ?? ""
                switch kind {
                case "damaged": #expect(reason.contains("has CRC"), "\(reason)")
                case "other size":
                    #expect(reason.contains("the PNG is 512*1024, but the API said 1024*1024"), "\(reason)")
                default:
                    #expect(
                        error.downloadFailure?.isRetryable == true, "a connection cut mid-body may be retried: \(error)"
                    )
                }
                #expect(try String(contentsOf: destination, encoding: .utf8) == "the old image")
                #expect(try partFiles(in: folder).isEmpty)
            }
        }
    }

    @Test("a redirected image streams the final answer's body, under the final answer's status")
    func redirected() async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            try await withTemporaryDirectory("streamed") { folder in
                let client = fixture.client()
                let result = try await client.generate(try fixture.request(size: "1024*1024"))
                let url = try #require(URL(string: result.imageURL))
                fixture.server.inject(.redirect(to: result.imageURL), path: url.path)
                let image = try await client.downloadImage(result, to: folder.appendingPathComponent("image.png"))
                #expect(image.width == 1024 && fixture.server.requests.suffix(2).map(\.status) == [302, 200])
            }
        }
    }
}
