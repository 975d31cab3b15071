package import Foundation

/// One line of `generations.jsonl`: what a generation asked, where it went, and what it produced, to prove later what
/// happened. It holds no key and no signed URL.
package struct GenerationEvidence: Sendable, Hashable, Codable {
    /// When the generation started (ISO 8601, UTC).
    package var time: String
    /// The region's name.
    package var region: String
    /// The endpoint, without any query.
    package var endpoint: String
    /// The model asked for (`z-image-turbo`).
    package var model: String
    /// The requested size, `W*H`.
    package var size: String
    /// The seed, when one was sent.
    package var seed: Int?
    /// Whether prompt_extend was asked for.
    package var promptExtend: Bool
    /// DashScope's request id.
    package var requestID: String
    /// Where the image was written.
    var imagePath: String
    /// The SHA-256 of the image.
    package var sha256: String
    /// Milliseconds from the first attempt to the written image.
    package var durationMilliseconds: Int
    /// Attempts the generation took.
    package var attempts: Int

    /// Builds the evidence of a finished generation and download.
    package init(
        startedAt: Date, region: Region, request: ImageRequest, generation: ZImageClient.Generation,
        image: DownloadedImage, duration: Duration
    ) {
        time = Self.timestamp(startedAt)
        self.region = region.rawValue
        endpoint = ImageDownloader.locationWithoutQuery(generation.endpoint.absoluteString)
        model = DashScopeAPI.model
        size = request.size.description
        seed = request.seed
        promptExtend = request.promptExtend
        requestID = generation.result.requestID
        imagePath = image.path.path
        sha256 = image.sha256
        durationMilliseconds = Int(duration / .milliseconds(1))
        attempts = generation.attempts
    }

    /// `date` as ISO 8601 in UTC with seconds, the format of every timestamp in the evidence.
    package static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Appends this evidence as one JSON line to `log`, creating the file and its folder as needed.
    ///
    /// All or nothing per line (`AppendOnlyFile`): a reader never meets half a line glued to the next one.
    ///
    /// - Throws: `POSIXFailure` naming the real reason (`No space left on device`); the file is then as it was.
    package func append(to log: URL) throws {
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        var line = try WireFormat.canonicalEncoder.encode(self)
        line.append(UInt8(ascii: "\n"))
        try AppendOnlyFile.append(line, to: log.path)
    }

    private enum CodingKeys: String, CodingKey {
        case time, region, endpoint, model, size, seed
        case promptExtend = "prompt_extend"
        case requestID = "request_id"
        case imagePath = "image_path"
        case sha256
        case durationMilliseconds = "duration_ms"
        case attempts
    }
}
