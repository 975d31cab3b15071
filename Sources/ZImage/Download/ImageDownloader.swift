public import Foundation
import HTTPTypes
import HTTPTypesFoundation
import Synchronization

/// A downloaded image, as written to disk.
public struct DownloadedImage: Sendable, Hashable {
    /// Where it was written.
    public var path: URL
    /// The SHA-256 of its bytes, lower-case hex.
    public var sha256: String
    /// Its size in bytes.
    public var byteCount: Int
    /// Width in pixels, read from the PNG.
    public var width: Int
    /// Height in pixels, read from the PNG.
    public var height: Int
}

/// Fetches a generated image and writes it safely.
///
/// The URL is an OSS presigned URL: it is fetched with a plain GET and no Authorization header (the API key never goes to
/// the image host). The bytes must be a PNG whose IHDR size is the result's width and height. ``download(_:to:)`` streams
/// them to a part file as they arrive, verifying the PNG on the way (signature and IHDR from the first bytes, each chunk's
/// CRC as it completes), so memory stays flat whatever the size; the file appears under its final name only when the
/// whole PNG is verified. ``fetch(_:)`` keeps the bytes in memory instead, verified whole before they are returned.
package struct ImageDownloader: Sendable {
    /// What moves the bytes.
    package var transport: any Transport

    /// Creates a downloader.
    package init(transport: any Transport) {
        self.transport = transport
    }

    /// Fetches the image of `result` and checks it.
    ///
    /// - Throws: ``ZImageError`` with code `download`; an HTTP 429 or 5xx and a connection failure are marked retryable.
    package func fetch(_ result: ImageResult) async throws -> Data {
        let failure = Failure(result)
        let url = try failure.imageURL()
        let head = HTTPRequest(method: .get, url: url)
        let response: HTTPResponse
        let data: Data
        do {
            (response, data) = try await transport.send(head, body: nil)
        } catch let error as TransportError {
            throw failure.error(error.description, retryable: error.isConnectionFailure, underlying: error)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw failure.error("the transport failed: \(error)", underlying: error)
        }
        guard response.status.code == 200 else {
            let status = response.status.code
            throw failure.error(
                Self.describeFailedStatus(status, body: data), status: status,
                retryable: RetryPolicy.retryableStatuses.contains(status))
        }
        let header: PNGImage
        do {
            header = try PNGImage(verifying: data)
        } catch {
            throw failure.error("\(error)")
        }
        guard header.width == result.width, header.height == result.height else {
            let mismatch = ImageSink.SizeMismatch(
                actual: (header.width, header.height), expected: (result.width, result.height))
            throw failure.error(mismatch.description)
        }
        return data
    }

    /// Streams the image of `result` to `destination` through a `.part` file renamed into place once the whole PNG is
    /// verified: a PNG cut short, damaged, or of another size never reaches the destination, and a file already there
    /// stays as it was.
    ///
    /// - Throws: ``ZImageError`` with code `download`; an HTTP 429 or 5xx and a connection failure are marked retryable.
    package func download(_ result: ImageResult, to destination: URL) async throws -> DownloadedImage {
        let failure = Failure(result)
        let url = try failure.imageURL()
        // A device, FIFO or socket (`--output /dev/stdout`) is written in place, where a reader sees each byte at
        // once: the image is verified whole in memory first, so no reader ever gets part of a bad one.
        let kind = FileKind.of(destination.path)
        if kind == .stream || (kind == .symbolicLink && FileKind.resolving(destination.path) == .stream) {
            let data = try await fetch(result)
            do {
                try AtomicFile.write(data, to: destination)
            } catch {
                throw failure.error("writing \(destination.path) failed: \(error)")
            }
            // fetch(_:) has verified the PNG whole, and its size is the result's.
            return DownloadedImage(
                path: destination, sha256: SHA256.hexDigest(of: data), byteCount: data.count,
                width: result.width, height: result.height)
        }
        let writer: AtomicFile.Writer
        do {
            writer = try AtomicFile.Writer(to: destination)
        } catch {
            throw failure.error("writing \(destination.path) failed: \(error)")
        }
        // Whatever ends the download removes the part file now, not when the writer's last reference goes: the
        // transport's thread may hold the sink a moment longer, and a process that exits on the error never gets there.
        // Once committed, abandoning is a no-op.
        defer { writer.abandon() }
        let sink = ImageSink(writer: writer, expected: (result.width, result.height))
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: .get, url: url), body: nil, into: sink)
        } catch let error as TransportError {
            throw failure.error(error.description, retryable: error.isConnectionFailure, underlying: error)
        } catch let error as CancellationError {
            throw error
        } catch let problem as PNGImage.Problem {
            throw failure.error("\(problem)")
        } catch let mismatch as ImageSink.SizeMismatch {
            throw failure.error(mismatch.description)
        } catch {
            throw failure.error("writing \(destination.path) failed: \(error)", underlying: error)
        }
        guard response.status.code == 200 else {
            let status = response.status.code
            throw failure.error(
                Self.describeFailedStatus(status, body: sink.errorBody), status: status,
                retryable: RetryPolicy.retryableStatuses.contains(status))
        }
        let verified: (image: PNGImage, sha256: String, byteCount: Int)
        do {
            verified = try sink.finish()
        } catch let mismatch as ImageSink.SizeMismatch {
            throw failure.error(mismatch.description)
        } catch {
            throw failure.error("\(error)")
        }
        do {
            try writer.commit()
        } catch {
            throw failure.error("writing \(destination.path) failed: \(error)")
        }
        return DownloadedImage(
            path: destination, sha256: verified.sha256, byteCount: verified.byteCount,
            width: verified.image.width, height: verified.image.height)
    }

    /// The URL without its query: the query of a presigned URL is a credential and stays out of messages.
    package static func locationWithoutQuery(_ text: String) -> String {
        String(text.prefix { $0 != "?" })
    }

    /// The download failures of one result: each names the image's location without its signed query, and the image
    /// URL is refused unless it is http(s).
    private struct Failure {
        let result: ImageResult

        init(_ result: ImageResult) {
            self.result = result
        }

        func error(
            _ reason: String, status: Int? = nil, retryable: Bool = false, underlying: (any Error)? = nil
        ) -> ZImageError {
            let location = ImageDownloader.locationWithoutQuery(result.imageURL)
            return .download(
                .init(location: location, reason: reason, status: status, isRetryable: retryable),
                underlying: underlying)
        }

        func imageURL() throws -> URL {
            guard let url = URL(string: result.imageURL), let scheme = url.scheme?.lowercased(),
                scheme == "https" || scheme == "http"
            else {
                throw error("the image URL is not an http(s) URL")
            }
            return url
        }
    }

    /// Where a streamed image goes: verified as a PNG of the expected size, hashed, and written to the part file, piece
    /// by piece; an answer other than 200 keeps its first 4 KiB to say why, and writes nothing.
    final class ImageSink: ResponseBodySink {
        /// A PNG whose IHDR is not the size the API said.
        struct SizeMismatch: Error, CustomStringConvertible {
            let actual: (width: Int, height: Int)
            let expected: (width: Int, height: Int)

            var description: String {
                "the PNG is \(actual.width)*\(actual.height), but the API said \(expected.width)*\(expected.height)"
            }
        }

        private struct State {
            var status = 0
            var errorBody = Data()
            var verifier = PNGImage.Verifier()
            var hasher = SHA256()
            var byteCount = 0
        }

        private let writer: AtomicFile.Writer
        private let expected: (width: Int, height: Int)
        private let state = Mutex(State())

        init(writer: AtomicFile.Writer, expected: (width: Int, height: Int)) {
            self.writer = writer
            self.expected = expected
        }

        func receive(_ response: HTTPResponse) throws {
            state.withLock { $0.status = response.status.code }
        }

        func receive(_ bytes: UnsafeRawBufferPointer) throws {
            try state.withLock { state in
                guard state.status == 200 else {
                    state.errorBody.append(contentsOf: bytes.prefix(max(0, 4096 - state.errorBody.count)))
                    return
                }
                let hadSize = state.verifier.size != nil
                try state.verifier.feed(bytes)
                if !hadSize, let size = state.verifier.size, size != expected {
                    throw SizeMismatch(actual: size, expected: expected)
                }
                state.hasher.update(bytes)
                state.byteCount += bytes.count
                try writer.write(bytes)
            }
        }

        /// The first 4 KiB of an answer other than 200.
        var errorBody: Data { state.withLock { $0.errorBody } }

        /// The verified image, its hash and size, once the whole body arrived.
        func finish() throws -> (image: PNGImage, sha256: String, byteCount: Int) {
            try state.withLock { state in
                let image = try state.verifier.finish()
                guard (image.width, image.height) == expected else {
                    throw SizeMismatch(actual: (image.width, image.height), expected: expected)
                }
                return (image, state.hasher.hexDigest(), state.byteCount)
            }
        }
    }

    /// A sentence for a failed image fetch; OSS explains itself in an XML body (`<Code>`, `<Message>`).
    static func describeFailedStatus(_ status: Int, body: Data) -> String {
        let xml = String(decoding: body.prefix(4096), as: UTF8.self)
        func element(_ name: String) -> String? {
            guard let start = xml.range(of: "<\(name)>"),
                let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex)
            else { return nil }
            return String(xml[start.upperBound..<end.lowerBound])
        }
        var text = "the image host answered HTTP \(status)"
        if let code = element("Code") { text += " \(code)" }
        if let message = element("Message") { text += ": \(message)" }
        let expired = (element("Message") ?? "").lowercased().contains("expired")
        if expired || (status == 403 && element("Code") == "AccessDenied") {
            text += " (image URLs are signed and valid for 24 hours: generate the image again)"
        }
        return text
    }
}
