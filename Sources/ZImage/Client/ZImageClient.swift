public import Foundation
import HTTPTypes
import HTTPTypesFoundation
public import Logging

/// The z-image-turbo client: validates a request, sends it through a `Transport`, retries what docs/CONTRACT.md says may be
/// retried, maps every failure to ``ZImageError``, and downloads the generated image.
///
/// The client does no network I/O of its own, so the same code runs live (`CurlTransport`), recording and replaying.
/// The API key appears only in the Authorization header: never in a log line or an error.
public struct ZImageClient: Sendable {
    /// What moves the bytes.
    public var transport: any Transport
    /// The key sent as `Authorization: Bearer …` to the API (never to the image host).
    public var apiKey: APIKey
    /// The region whose endpoint is used when the request has no base URL.
    public var region: Region
    /// When to retry.
    public var retryPolicy: RetryPolicy
    /// The clock and sleep of the retry loop.
    public var timekeeper: Timekeeper
    /// Where requests, responses and retries are logged (at debug and info levels; the key never is).
    public var logger: Logger

    /// Creates a client. The default logger discards everything; pass one to see requests and retries.
    public init(
        transport: any Transport,
        apiKey: APIKey,
        region: Region = .beijing,
        retryPolicy: RetryPolicy = .standard,
        timekeeper: Timekeeper = .system,
        logger: Logger = Logger(label: "zimage.client", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.transport = transport
        self.apiKey = apiKey
        self.region = region
        self.retryPolicy = retryPolicy
        self.timekeeper = timekeeper
        self.logger = logger
    }

    /// A finished generation: the result, and how it was obtained.
    public struct Generation: Sendable, Hashable {
        /// The normalized result.
        public var result: ImageResult
        /// The endpoint the request went to.
        public var endpoint: URL
        /// Attempts made, retries included: 1 when the first answer was the result.
        public var attempts: Int
        /// Time from the first attempt to the answer, waits between attempts included.
        public var duration: Duration
        /// The request id of every attempt that got an answer naming one, in order, the result's last: what DashScope's
        /// support asks for when an attempt failed.
        public var requestIDs: [String]

        /// Creates a report (for a test double of code that takes one).
        package init(result: ImageResult, endpoint: URL, attempts: Int, duration: Duration, requestIDs: [String]) {
            self.result = result
            self.endpoint = endpoint
            self.attempts = attempts
            self.duration = duration
            self.requestIDs = requestIDs
        }
    }

    /// Generates one image and returns the normalized result (the image is not downloaded; see ``imageData(for:)`` and
    /// ``downloadImage(_:to:)``).
    ///
    /// - Throws: ``ZImageError`` (an invalid request before anything is sent), or `CancellationError`.
    public func generate(_ request: ImageRequest) async throws -> ImageResult {
        try await generateReporting(request).result
    }

    /// Generates one image and says how: the endpoint, the attempts, the time taken and every request id, for logs,
    /// progress output and evidence.
    ///
    /// - Throws: ``ZImageError`` (an invalid request before anything is sent), or `CancellationError`.
    public func generateReporting(_ request: ImageRequest) async throws -> Generation {
        try request.validate()
        let endpoint = request.endpoint(in: region)
        let body = try WireFormat.encodeRequest(request)
        var head = HTTPRequest(method: .post, url: endpoint)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.accept] = "application/json"
        head.headerFields[.authorization] = apiKey.bearer
        let host = endpoint.host ?? endpoint.absoluteString

        let started = timekeeper.now()
        let (result, attempts, failedIDs) = try await retrying { (attempt: Int) -> AttemptOutcome<ImageResult> in
            logger.debug(
                "POST generation",
                metadata: [
                    "endpoint": "\(endpoint.absoluteString)", "attempt": "\(attempt)", "size": "\(request.size)",
                    "seed": "\(request.seed.map(String.init) ?? "none")", "prompt_extend": "\(request.promptExtend)",
                ])
            let (response, data) = try await send(head, body: body)
            logger.debug(
                "generation answered", metadata: ["status": "\(response.status.code)", "bytes": "\(data.count)"])
            // An error status, or (seen by an independent client) a 200 whose body is an error: the API error it names,
            // retried or not by its HTTP status alone.
            let embedded = response.status.kind == .successful ? WireFormat.embeddedError(data) : nil
            guard response.status.kind == .successful, embedded == nil else {
                let error = embedded ?? WireFormat.decodeError(data)
                let retryAfter = response.headerFields[.retryAfter].flatMap { RetryPolicy.parseRetryAfter($0) }
                return .failure(
                    .api(
                        .init(
                            status: response.status.code, code: error.code, message: error.message,
                            requestID: error.requestID, host: host, attempts: attempt, retryAfter: retryAfter,
                            region: region)),
                    retryAfter: retryAfter)
            }
            return .success(try WireFormat.decodeSuccess(data, for: request, status: response.status.code))
        }
        logger.info("image generated", metadata: ["request_id": "\(result.requestID)", "attempts": "\(attempts)"])
        let requestIDs = failedIDs + (result.requestID.isEmpty ? [] : [result.requestID])
        return Generation(
            result: result, endpoint: endpoint, attempts: attempts, duration: started.duration(to: timekeeper.now()),
            requestIDs: requestIDs)
    }

    /// Downloads the generated PNG to `destination`, retrying as for generation.
    ///
    /// The image URL is fetched without an Authorization header; the bytes stream to a `.part` file as they arrive,
    /// verified on the way as a PNG of the result's size, and the part file is renamed into place only when all of it is
    /// verified, so `destination` is either the old file or the complete new one, and memory stays flat.
    public func downloadImage(_ result: ImageResult, to destination: URL) async throws -> DownloadedImage {
        let downloader = ImageDownloader(transport: transport)
        return try await retrying { (_: Int) -> AttemptOutcome<DownloadedImage> in
            do {
                return .success(try await downloader.download(result, to: destination))
            } catch let error as ZImageError {
                return .failure(error, retryAfter: nil)
            }
        }.value
    }

    /// The generated PNG's bytes, in memory, retrying as for generation: for a server that passes the image on, or an
    /// app that shows it, without a file.
    ///
    /// The image URL is fetched without an Authorization header, and the bytes are verified whole before they are
    /// returned: a PNG sound to its last chunk, of the result's width and height.
    ///
    /// - Throws: ``ZImageError`` of code ``ZImageError/Code/download``, or `CancellationError`.
    public func imageData(for result: ImageResult) async throws -> Data {
        let downloader = ImageDownloader(transport: transport)
        return try await retrying { (_: Int) -> AttemptOutcome<Data> in
            do {
                return .success(try await downloader.fetch(result))
            } catch let error as ZImageError {
                return .failure(error, retryAfter: nil)
            }
        }.value
    }

    // MARK: - Retry loop

    /// What one attempt came to: a value, or a failure that the policy may retry.
    private enum AttemptOutcome<Value> {
        case success(Value)
        case failure(ZImageError, retryAfter: Duration?)
    }

    /// Runs `attempt` until it succeeds, the policy says stop, or the deadline would be passed; returns the value, the
    /// number of attempts and the request ids the failed attempts' answers named. Every error leaving here has the key
    /// removed.
    private func retrying<Value>(
        _ attempt: (Int) async throws -> AttemptOutcome<Value>
    ) async throws -> (value: Value, attempts: Int, failedRequestIDs: [String]) {
        let started = timekeeper.now()
        var number = 1
        var failedRequestIDs: [String] = []
        while true {
            let outcome: AttemptOutcome<Value>
            do {
                outcome = try await attempt(number)
            } catch let error as ZImageError {
                outcome = .failure(error, retryAfter: nil)
            }
            switch outcome {
            case .success(let value):
                return (value, number, failedRequestIDs)
            case .failure(let error, let retryAfter):
                let error = error.redacting(apiKey.value)
                if let id = error.apiFailure?.requestID, !id.isEmpty { failedRequestIDs.append(id) }
                guard retryPolicy.isRetryable(error), number < retryPolicy.maxAttempts else { throw error }
                let wait = retryPolicy.delay(beforeAttempt: number + 1, retryAfter: retryAfter)
                let elapsed = started.duration(to: timekeeper.now())
                guard elapsed + wait <= retryPolicy.deadline else {
                    logger.notice(
                        "not retrying: the wait would pass the deadline",
                        metadata: [
                            "error": "\(error)", "wait": "\(wait)", "deadline": "\(retryPolicy.deadline)",
                        ])
                    throw error
                }
                // A replay or an in-process simulation honours the wait on its clock without spending it; say so.
                let waited =
                    timekeeper.waitsForReal
                    ? "\(wait)" : "\(wait), skipped (a virtual clock: a replay or an in-process simulation)"
                logger.info("retrying", metadata: ["attempt": "\(number)", "error": "\(error)", "wait": "\(waited)"])
                try await timekeeper.sleep(wait)
                number += 1
            }
        }
    }

    /// One exchange through the transport; a transport's own failure becomes ``ZImageError/transport(_:)``.
    private func send(_ head: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        do {
            return try await transport.send(head, body: body)
        } catch let error as TransportError {
            throw ZImageError.transport(error)
        } catch let error as CancellationError {
            throw error
        } catch let error as ZImageError {
            throw error
        } catch {
            throw ZImageError.transport(TransportError(.other, "the transport failed", detail: "\(error)"))
        }
    }
}
