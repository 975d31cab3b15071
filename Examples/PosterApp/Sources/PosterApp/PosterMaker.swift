import Foundation
import ZImage

/// A poster made for a title: the image file and what it shows.
public struct Poster: Sendable, Hashable {
    /// The title the poster was made for.
    public var title: String
    /// The PNG on disk.
    public var file: URL
    /// Its width in pixels.
    public var width: Int
    /// Its height in pixels.
    public var height: Int
    /// DashScope's id of the generation that drew it.
    public var requestID: String
}

/// Why no poster could be made, in the app's own words.
public enum PosterError: Error, Equatable {
    /// The title is empty.
    case emptyTitle
    /// DashScope refused the poster's prompt (content inspection, a bad parameter).
    case refused(String)
    /// DashScope stayed busy or unavailable through every retry.
    case serviceBusy
}

/// Makes portrait posters with z-image-turbo. It takes its `ZImageClient` from outside, so the same code runs live,
/// against a cassette in tests, or against a simulator.
public struct PosterMaker: Sendable {
    /// The client posters are drawn with.
    public let client: ZImageClient
    /// Where posters are written.
    public let folder: URL

    /// Creates a poster maker that draws with `client` into `folder`.
    public init(client: ZImageClient, folder: URL) {
        self.client = client
        self.folder = folder
    }

    /// Draws a poster for `title` and saves it as `<slug>.png` in ``folder``.
    ///
    /// An image URL that expired between generation and download is drawn again, once.
    public func make(title: String) async throws -> Poster {
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw PosterError.emptyTitle }
        let request = ImageRequest(
            prompt: "A minimalist travel poster titled \"\(trimmed)\", bold shapes, warm colours",
            size: try ImageSize(width: 1024, height: 1536), seed: Self.seed(for: trimmed))
        let file = folder.appendingPathComponent("\(Self.slug(trimmed)).png")
        do {
            return try await draw(request, title: trimmed, to: file)
        } catch let error as ZImageError where error.downloadFailure?.status == 403 {
            return try await draw(request, title: trimmed, to: file)  // the signed image URL expired: draw it again
        } catch let error as ZImageError where error.code == .apiError {
            let failure = error.apiFailure
            if [429, 500, 502, 503, 504].contains(failure?.status ?? 0) { throw PosterError.serviceBusy }
            throw PosterError.refused(failure?.message ?? "\(error)")
        }
    }

    private func draw(_ request: ImageRequest, title: String, to file: URL) async throws -> Poster {
        let result = try await client.generate(request)
        let image = try await client.downloadImage(result, to: file)
        return Poster(
            title: title, file: image.path, width: image.width, height: image.height, requestID: result.requestID)
    }

    /// The same title always gets the same seed, so a poster can be drawn again alike.
    static func seed(for title: String) -> Int {
        title.unicodeScalars.reduce(17) { ($0 &* 31 &+ Int($1.value)) & 0x7fff_ffff }
    }

    static func slug(_ title: String) -> String {
        let words = title.lowercased().split { !$0.isLetter && !$0.isNumber }
        return words.isEmpty ? "poster" : words.joined(separator: "-")
    }
}
