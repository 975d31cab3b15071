import Foundation
import ZImage
import ZImageCurl

/// Draws a poster: one generation, its image saved beside the others.
public struct Posters: Sendable {
    let client: ZImageClient

    /// A client of its own, live, with the key from the environment.
    public init(region: Region = .singapore) throws {
        client = ZImageClient(
            transport: try CurlTransport(), apiKey: try Credentials.resolve().apiKey, region: region)
    }

    /// Posters drawn by `client`.
    public init(client: ZImageClient) {
        self.client = client
    }

    /// Generates the poster titled `title` and saves it in `folder`.
    public func draw(_ title: String, in folder: URL) async throws -> URL {
        let result = try await client.generate(ImageRequest(prompt: "A travel poster titled \(title)"))
        let file = folder.appendingPathComponent("\(title).png")
        _ = try await client.downloadImage(result, to: file)
        return file
    }
}
