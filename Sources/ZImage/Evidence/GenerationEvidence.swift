package import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of `generations.jsonl`: what a generation asked, where it went, and what it produced, to prove later what
/// happened. It holds no key and no signed URL.
package struct GenerationEvidence: Sendable, Hashable, Codable {
    /// When the generation started (ISO 8601, UTC).
    package var time: String
    /// The region's name.
    package var region: String
    /// The endpoint, without any query.
    package var endpoint: String
    /// The model.
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
    package var imagePath: String
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
    /// All or nothing per line: the line goes in one `write` to a file opened for appending (without following a
    /// symbolic link), under an exclusive `flock` so that lines from concurrent processes never mix; when the disk fills
    /// part way, the file is cut back to where it was, so a reader never meets half a line glued to the next one.
    ///
    /// - Throws: ``POSIXFailure`` naming the real reason (`No space left on device`); the file is then as it was.
    package func append(to log: URL) throws {
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        var line = try WireFormat.canonicalEncoder.encode(self)
        line.append(UInt8(ascii: "\n"))
        try Self.appendLine(line, to: log.path)
    }

    /// Appends `line` to the file at `path` whole, or not at all.
    package static func appendLine(_ line: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let failure = POSIXFailure("open \(path)")
            throw failure.code == ELOOP ? POSIXFailure(operation: "open \(path)", reason: "it is a symbolic link, which is not followed") : failure
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw POSIXFailure("stat \(path)") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw POSIXFailure(operation: "append to \(path)", reason: "it is not a regular file")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw POSIXFailure("lock \(path)") }
        }
        guard fstat(descriptor, &info) == 0 else { throw POSIXFailure("stat \(path)") }
        let start = info.st_size
        var offset = 0
        var failure: POSIXFailure?
        line.withUnsafeBytes { buffer in
            while offset < buffer.count {
                let written = posixWrite(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = POSIXFailure("append to \(path)")
                    return
                }
                offset += written
            }
        }
        if let failure {
            // Part of the line may be in the file: take it back out, so the file ends where it did.
            if offset > 0 { _ = ftruncate(descriptor, start) }
            throw failure
        }
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
