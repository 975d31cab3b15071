public import Foundation
import HTTPTypes
import HTTPTypesFoundation

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
/// the image host). The bytes must be a PNG whose IHDR size is the result's width and height. Nothing is written until
/// they are checked, and the file appears under its final name only when complete.
public struct ImageDownloader: Sendable {
    /// What moves the bytes.
    public var transport: any Transport

    /// Creates a downloader.
    public init(transport: any Transport) {
        self.transport = transport
    }

    /// Fetches the image of `result` and checks it.
    ///
    /// - Throws: ``ZImageError/download(_:)``; an HTTP 429 or 5xx and a connection failure are marked retryable.
    public func fetch(_ result: ImageResult) async throws -> Data {
        let location = Self.locationWithoutQuery(result.imageURL)
        func failure(_ reason: String, status: Int? = nil, retryable: Bool = false, underlying: (any Error)? = nil) -> ZImageError {
            .download(.init(location: location, reason: reason, status: status, isRetryable: retryable), underlying: underlying)
        }
        guard let url = URL(string: result.imageURL), let scheme = url.scheme?.lowercased(),
              scheme == "https" || scheme == "http"
        else {
            throw failure("the image URL is not an http(s) URL")
        }
        let head = HTTPRequest(method: .get, url: url)
        let response: HTTPResponse
        let data: Data
        do {
            (response, data) = try await transport.send(head, body: nil)
        } catch let error as TransportError {
            throw failure(error.description, retryable: error.isConnectionFailure, underlying: error)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw failure("the transport failed: \(error)", underlying: error)
        }
        guard response.status.code == 200 else {
            let status = response.status.code
            throw failure(Self.describeFailedStatus(status, body: data), status: status,
                          retryable: RetryPolicy.retryableStatuses.contains(status))
        }
        let header: PNGImage
        do {
            header = try PNGImage(verifying: data)
        } catch {
            throw failure("\(error)")
        }
        guard header.width == result.width, header.height == result.height else {
            throw failure("the PNG is \(header.width)*\(header.height), but the API said \(result.width)*\(result.height)")
        }
        return data
    }

    /// Writes checked image bytes to `destination` through a `.part` file renamed into place.
    ///
    /// - Throws: ``ZImageError/download(_:)`` when the file cannot be written; an existing file at `destination` is then
    ///   left as it was, and no `.part` file remains.
    public func write(_ data: Data, of result: ImageResult, to destination: URL) throws -> DownloadedImage {
        do {
            try AtomicFile.write(data, to: destination)
        } catch {
            throw ZImageError.download(.init(
                location: Self.locationWithoutQuery(result.imageURL),
                reason: "writing \(destination.path) failed: \(error)"))
        }
        let header = try? PNGImage(verifying: data)
        return DownloadedImage(
            path: destination, sha256: SHA256.hexDigest(of: data), byteCount: data.count,
            width: header?.width ?? result.width, height: header?.height ?? result.height)
    }

    /// The URL without its query: the query of a presigned URL is a credential and stays out of messages.
    public static func locationWithoutQuery(_ text: String) -> String {
        String(text.prefix { $0 != "?" })
    }

    /// A sentence for a failed image fetch; OSS explains itself in an XML body (`<Code>`, `<Message>`).
    static func describeFailedStatus(_ status: Int, body: Data) -> String {
        let xml = String(decoding: body.prefix(4096), as: UTF8.self)
        func element(_ name: String) -> String? {
            guard let start = xml.range(of: "<\(name)>"), let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex)
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
