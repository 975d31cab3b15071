package import Foundation
import HTTPTypes
import Synchronization
public import ZImage
package import ZImageCassettes

/// The `simulate` behaviour: a DashScope look-alike for z-image-turbo, per docs/CONTRACT.md.
///
/// - `POST /api/v1/services/aigc/multimodal-generation/generation` validates the request the way the real API does (the
///   documented codes; messages marked *inferred* where the documentation gives none), then answers the documented success
///   shape in the region's key order, with an image URL on this same server shaped like an OSS presigned URL.
///   `prompt_extend: true` adds a rewritten prompt, reasoning text and `reasoning_tokens`. A prompt over 800 characters
///   is cut silently, as the API does.
/// - `GET /results/…png` serves a real PNG of the requested size, deterministic from prompt and seed; without its
///   signature's parameters (`Expires`, a whole number, `OSSAccessKeyId`, `Signature`) or after its `Expires` time it
///   answers OSS's 403 XML. An Authorization header sent with it is refused (400 `InvalidArgument`): the URL is
///   signed and needs none, and a client that leaks the API key to the image host must fail loudly. This is the
///   simulator's rule; what OSS itself answers to both at once is not documented in docs/CONTRACT.md.
/// - `GET /compatible-mode/v1/models` and `GET /api/v1/models` list the model (the read-only probe).
/// - A key it was not given gets 401 `InvalidApiKey`; the key may come as `Authorization: Bearer` or in
///   `X-DashScope-ApiKey`, as docs/CONTRACT.md says the API accepts.
/// - Another method on a path it serves gets 405 with `Allow`.
/// - A prompt containing `[[inappropriate]]` gets 400 `DataInspectionFailed`, so that scenario can be recorded.
public struct DashScopeSimulation: SimulatorBackend {
    /// A prompt containing this is refused as inappropriate content.
    package static let inappropriateMarker = "[[inappropriate]]"

    /// Which region's answers to imitate (key order, result path).
    public var region: Region
    /// The keys accepted; any other gets 401.
    public var acceptedKeys: Set<String>
    /// Changes to the success answer's shape, to play an API that has drifted from its contract.
    package var drift: Drift
    /// The origin image URLs point at (`https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com` in a rehearsal over
    /// TLS); `nil` for the server's own address.
    package var resultOrigin: URL?
    private let counter = Counter()

    /// Changes to the shape of the success answer: top-level fields added (with a string value) and fields removed by
    /// dotted path (`request_id`, `usage.image_count`).
    package struct Drift: Sendable, Hashable {
        /// Top-level fields to add.
        package var added: [String]
        /// Dotted paths to remove.
        package var removed: [String]

        /// Creates a drift.
        package init(added: [String] = [], removed: [String] = []) {
            self.added = added
            self.removed = removed
        }
    }

    /// Creates a simulation of `region` accepting `acceptedKeys`.
    public init(region: Region = .beijing, acceptedKeys: Set<String>) {
        self.init(region: region, acceptedKeys: acceptedKeys, drift: Drift())
    }

    /// Creates a simulation whose success answers have drifted from the contract by `drift`.
    package init(region: Region, acceptedKeys: Set<String>, drift: Drift, resultOrigin: URL? = nil) {
        self.region = region
        self.acceptedKeys = acceptedKeys
        self.drift = drift
        self.resultOrigin = resultOrigin
    }

    /// Answers as DashScope would: generation, images, the models list, and the refusals of docs/CONTRACT.md.
    public func respond(to request: SimulatorRequest) async -> SimulatorResponse {
        let requestID = counter.nextRequestID(seed: request.body)
        switch (request.method, request.path) {
        case (.post, DashScopeAPI.generationPath):
            if let refusal = authorize(request, requestID: requestID) { return refusal }
            return generate(request, requestID: requestID)
        case (.get, DashScopeAPI.modelsPath), (.get, DashScopeAPI.documentedModelsPath):
            if let refusal = authorize(request, requestID: requestID) { return refusal }
            return models()
        case (.get, _) where Self.objectKey(request.path).hasPrefix(Self.resultsRoot):
            return image(request)
        case (_, DashScopeAPI.generationPath):
            return notAllowed(request, allow: "POST", requestID: requestID)
        case (_, DashScopeAPI.modelsPath), (_, DashScopeAPI.documentedModelsPath):
            return notAllowed(request, allow: "GET", requestID: requestID)
        case (_, let path) where !DashScopeAPI.apiPathPrefixes.contains(where: path.hasPrefix):
            // Everything off the API's paths stands for the OSS host: XML, as OSS answers.
            guard request.method == .get else {
                return ossError(405, "MethodNotAllowed", "The specified method is not allowed.", allow: "GET")
            }
            return ossError(404, "NoSuchKey", "The specified key does not exist.")
        default:
            return error(404, "NotFound", "No such path: \(request.path)", requestID)
        }
    }

    // MARK: - Generation

    private func authorize(_ request: SimulatorRequest, requestID: String) -> SimulatorResponse? {
        let value = request.headerFields[.authorization] ?? ""
        let bearer = value.hasPrefix("Bearer ") ? String(value.dropFirst("Bearer ".count)) : nil
        let header = HTTPField.Name(DashScopeAPI.apiKeyHeader).flatMap { request.headerFields[$0] }
        // Either header with an accepted key; a wrong key in either refuses (which one the API prefers is not documented).
        let keys = [bearer, header].compactMap { $0 }
        guard !keys.isEmpty, keys.allSatisfy(acceptedKeys.contains) else {
            return error(401, "InvalidApiKey", "Invalid API-key provided.", requestID)
        }
        return nil
    }

    private func generate(_ request: SimulatorRequest, requestID: String) -> SimulatorResponse {
        let parsed: Generation
        switch Generation.parse(request.body) {
        case .success(let generation): parsed = generation
        case .failure(let refusal): return error(refusal.status, refusal.code, refusal.message, requestID)
        }
        if parsed.prompt.contains(Self.inappropriateMarker) {
            return error(400, "DataInspectionFailed", "Input data may contain inappropriate content.", requestID)
        }
        let hash = SHA256.hexDigest(of: Data("\(parsed.prompt)\u{0}\(parsed.seed.map(String.init) ?? "-")".utf8))
        let expires = Int(Date().timeIntervalSince1970) + 86_400
        let imageURL =
            (resultOrigin ?? request.serverBaseURL).absoluteString
            + Self.resultPathPrefix(for: region) + "\(parsed.width)x\(parsed.height)/\(hash.prefix(32)).png"
            + "?Expires=\(expires)&OSSAccessKeyId=LTAIsimulated&Signature=\(hash.suffix(27))%3D"

        let text = parsed.promptExtend ? Self.rewrite(parsed.prompt) : parsed.prompt
        let reasoning =
            parsed.promptExtend
            ? "The prompt names a scene; I add light, composition and texture so the image reads clearly." : ""
        let content = OrderedJSON.array([.object([("image", .string(imageURL))]), .object([("text", .string(text))])])
        var members: [(String, OrderedJSON)] = [
            ("role", .string("assistant")), ("content", content), ("reasoning_content", .string(reasoning)),
        ]
        if region.sortsAnswerKeys { members.sort { $0.0 < $1.0 } }
        let message = OrderedJSON.object(members)
        let tokens =
            parsed.promptExtend
            ? (input: 60 + parsed.prompt.count / 4, output: 90, reasoning: 40) : (input: 0, output: 0, reasoning: 0)
        var usage: [(String, OrderedJSON)] = [
            ("width", .int(parsed.width)), ("height", .int(parsed.height)), ("image_count", .int(1)),
            ("input_tokens", .int(tokens.input)), ("output_tokens", .int(tokens.output)),
            ("total_tokens", .int(tokens.input + tokens.output)),
        ]
        if parsed.promptExtend {
            usage.append(("output_tokens_details", .object([("reasoning_tokens", .int(tokens.reasoning))])))
        }
        if region.sortsAnswerKeys { usage.sort { $0.0 < $1.0 } }
        var body = OrderedJSON.object([
            (
                "output",
                .object([("choices", .array([.object([("finish_reason", .string("stop")), ("message", message)])]))])
            ),
            ("usage", .object(usage)),
            ("request_id", .string(requestID)),
        ])
        for path in drift.removed { body = body.removing(path.split(separator: ".").map(String.init)) }
        if case .object(var members) = body {
            members += drift.added.map { ($0, OrderedJSON.string("drifted")) }
            body = .object(members)
        }
        return .json(200, body.data)
    }

    /// Where the simulator serves images: `/results/`, then the region (`/results/beijing/`).
    static let resultsRoot = "/results/"

    /// The path under which the simulator of `region` serves its images: the stand-in for the region's OSS host.
    static func resultPathPrefix(for region: Region) -> String {
        "\(resultsRoot)\(region.rawValue)/"
    }

    /// Moves what was recorded against a simulator of `region` at `origin` onto the region's real hosts: the API host,
    /// and the region's OSS host for images. Recordings made this way replay with a client's default settings.
    package static func originRewrite(from origin: URL, region: Region) -> OriginRewrite {
        OriginRewrite(
            origin: origin, apiHost: region.host, resultHost: region.exampleResultHost,
            resultPrefix: resultPathPrefix(for: region))
    }

    private static func rewrite(_ prompt: String) -> String {
        "\(prompt.trimmingCharacters(in: .whitespacesAndNewlines)), in soft natural light, balanced composition, fine detail"
    }

    // MARK: - Models and images

    private func models() -> SimulatorResponse {
        let model = OrderedJSON.object([
            ("id", .string(DashScopeAPI.model)), ("object", .string("model")),
            ("owned_by", .string("system")),
        ])
        return .json(200, OrderedJSON.object([("object", .string("list")), ("data", .array([model]))]).data)
    }

    /// The object key a path names, percent-decoded as OSS decodes it (`/results%2Fbeijing%2F…` is
    /// `/results/beijing/…`).
    private static func objectKey(_ path: String) -> String {
        path.removingPercentEncoding ?? path
    }

    private func image(_ request: SimulatorRequest) -> SimulatorResponse {
        // /results/<region>/<W>x<H>/<hash>.png
        let parts = Self.objectKey(request.path).split(separator: "/")
        guard parts.count == 4, parts[3].hasSuffix(".png") else {
            return ossError(404, "NoSuchKey", "The specified key does not exist.")
        }
        let dimensions = parts[2].split(separator: "x").compactMap { Int($0) }
        guard dimensions.count == 2, (try? ImageSize(width: dimensions[0], height: dimensions[1])) != nil else {
            return ossError(404, "NoSuchKey", "The specified key does not exist.")
        }
        // The signature first, as a signed URL's credential: without its parameters the bucket is private (403).
        guard let expires = request.queryValue("Expires").flatMap(Int.init),
            request.queryValue("OSSAccessKeyId") != nil, request.queryValue("Signature") != nil
        else {
            return ossError(403, "AccessDenied", "Anonymous access is forbidden for this operation.")
        }
        if expires < Int(Date().timeIntervalSince1970) {
            return ossError(403, "AccessDenied", "Request has expired.")
        }
        if request.headerFields[.authorization] != nil {
            return ossError(400, "InvalidArgument", "Authorization header is not allowed with a signed URL.")
        }
        let seed = Array(SHA256.digest(of: Data(parts[3].utf8)).prefix(6))
        var fields = HTTPFields()
        fields[.contentType] = "image/png"
        return SimulatorResponse(
            status: 200, headerFields: fields,
            body: PNGEncoder.gradient(width: dimensions[0], height: dimensions[1], seed: seed))
    }

    /// OSS's error answer: XML with Code, Message and RequestId.
    static func ossErrorBody(code: String, message: String) -> Data {
        Data(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error>
              <Code>\(code)</Code>
              <Message>\(message)</Message>
              <RequestId>5F0C1A2B3C4D5E6F70818293</RequestId>
              <HostId>dashscope-result.oss.aliyuncs.com</HostId>
            </Error>

            """.utf8)
    }

    private func ossError(_ status: Int, _ code: String, _ message: String, allow: String? = nil) -> SimulatorResponse {
        var fields = HTTPFields()
        fields[.contentType] = "application/xml"
        fields[.allow] = allow
        return SimulatorResponse(
            status: status, headerFields: fields, body: Self.ossErrorBody(code: code, message: message))
    }

    /// 405 with `Allow`, as HTTP asks (RFC 9110 15.5.6); the body's code is the simulator's (inferred).
    private func notAllowed(_ request: SimulatorRequest, allow: String, requestID: String) -> SimulatorResponse {
        var fields = HTTPFields()
        fields[.allow] = allow
        return .json(
            405,
            Self.errorBody(
                code: "MethodNotAllowed", message: "Method \(request.method.rawValue) is not allowed here.",
                requestID: requestID),
            headers: fields)
    }

    private func error(_ status: Int, _ code: String, _ message: String, _ requestID: String) -> SimulatorResponse {
        .json(status, Self.errorBody(code: code, message: message, requestID: requestID))
    }

    /// DashScope's error body.
    package static func errorBody(code: String, message: String, requestID: String) -> Data {
        OrderedJSON.object([("request_id", .string(requestID)), ("code", .string(code)), ("message", .string(message))])
            .data
    }
}

/// Request ids in DashScope's UUID form, deterministic for a given sequence of requests (so re-recording a scenario
/// against a fresh simulator gives the same ids).
package final class Counter: Sendable {
    private let value = Mutex(0)

    package func nextRequestID(seed: Data) -> String {
        let number = value.withLock { count -> Int in
            count += 1
            return count
        }
        let hex = SHA256.hexDigest(of: seed + Data("#\(number)".utf8))
        let characters = Array(hex.prefix(32))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
