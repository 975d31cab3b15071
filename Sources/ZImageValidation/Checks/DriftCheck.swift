import Foundation
import HTTPTypes
import Synchronization
import ZImage
import ZImageCassettes
import ZImageContract
import ZImageContractSuite
import ZImageCurl

/// With --live: one real generation in the region (the basic-generation scenario's request), its answer compared with
/// the region's recorded one by shape: fields added, missing or of another type, the HTTP status and the content types.
/// Values that are meant to change (ids, URLs, token counts) are not drift.
struct DriftCheck {
    let region: Region
    let host: URL?
    let key: APIKey?
    let transport: CurlTransport
    let cassettes: URL

    /// What drift-<region>.json holds.
    struct Evidence: Encodable {
        var region: String
        var endpoint: String
        var requestID: String?
        var httpStatus: Int?
        var recordedHTTPStatus: Int?
        var contentType: String?
        var imageContentType: String?
        var shape: ShapeDrift?
        var drifted: Bool
        var message: String

        enum CodingKeys: String, CodingKey {
            case region, endpoint, shape, drifted, message
            case requestID = "request_id"
            case httpStatus = "http_status"
            case recordedHTTPStatus = "recorded_http_status"
            case contentType = "content_type"
            case imageContentType = "image_content_type"
        }
    }

    /// The generation endpoint on a user-given host: its path when it has one, else the API's path.
    static func generationURL(for host: URL) -> URL {
        guard host.path.isEmpty || host.path == "/" else { return host }
        return host.appendingPathComponent(DashScopeAPI.generationPath)
    }

    func run() async -> (check: Check, evidence: Evidence) {
        let kind = Check.Kind.drift
        let endpoint = host.map(Self.generationURL(for:)) ?? region.generationURL
        var evidence = Evidence(region: region.rawValue, endpoint: endpoint.absoluteString, drifted: false, message: "")
        func result(_ status: Check.Status, _ message: String) -> (Check, Evidence) {
            evidence.message = message
            evidence.drifted = status == .failed
            return (
                Check(
                    kind, region: region, status: status, detail: message,
                    requestIDs: [evidence.requestID].compactMap { $0 }), evidence
            )
        }
        guard let key else {
            return result(.failed, "no key: set DASHSCOPE_API_KEY or dashscope_api_key in ~/.alibabacloud/credentials")
        }
        let file = cassettes.appendingPathComponent("basic-generation.json")
        let recorded: Cassette
        do {
            recorded = try CassetteFile.load(file, rules: .dashScope)
        } catch {
            return result(.failed, "no recorded answer to compare with: \(error)")
        }
        guard let scenario = (try? Scenario(of: recorded)) ?? nil,
            let recordedAnswer = recorded.interactions.first?.response,
            let recordedJSON = JSONValue(parsing: recordedAnswer.body)
        else {
            return result(.failed, "\(file.path) has no recorded generation answer")
        }

        // The live exchanges, kept as they came.
        let seen = Mutex<[(HTTPRequest, HTTPResponse, Data)]>([])
        let capturing = ClosureTransport { request, body in
            let (response, data) = try await transport.send(request, body: body)
            seen.withLock { $0.append((request, response, data)) }
            return (response, data)
        }
        let client = ZImageClient(
            transport: capturing, apiKey: key, region: region, retryPolicy: RetryPolicy(maxAttempts: 2))
        let started = ContinuousClock.now
        do {
            var request = try scenario.imageRequest()
            request.baseURL = endpoint
            let generated = try await client.generate(request)
            evidence.requestID = generated.requestID
            _ = try? await ImageDownloader(transport: capturing).fetch(generated)
        } catch {
            if seen.withLock({ $0.isEmpty }) { return result(.failed, "the live generation failed: \(error)") }
        }
        let exchanges = seen.withLock { $0 }
        guard let generation = exchanges.last(where: { $0.0.method == .post }) else {
            return result(.failed, "no live generation answer")
        }
        evidence.httpStatus = generation.1.status.code
        evidence.recordedHTTPStatus = recordedAnswer.status
        evidence.contentType = generation.1.headerFields[.contentType]
        evidence.imageContentType = exchanges.last(where: { $0.0.method == .get })?.1.headerFields[.contentType]
        var problems: [String] = []
        if generation.1.status.code != recordedAnswer.status {
            problems.append("HTTP \(generation.1.status.code), recorded \(recordedAnswer.status)")
        }
        if !(evidence.contentType ?? "").lowercased().hasPrefix("application/json") {
            problems.append("content type \(evidence.contentType ?? "none"), recorded application/json")
        }
        if let image = evidence.imageContentType, !image.lowercased().hasPrefix("image/png") {
            problems.append("image content type \(image), recorded image/png")
        }
        if let live = JSONValue(parsing: generation.2) {
            let shape = ShapeDrift(recorded: recordedJSON, live: live)
            evidence.shape = shape
            if !shape.added.isEmpty { problems.append("fields added: \(shape.added.joined(separator: ", "))") }
            if !shape.missing.isEmpty { problems.append("fields missing: \(shape.missing.joined(separator: ", "))") }
            if !shape.changedType.isEmpty {
                problems.append("types changed: \(shape.changedType.joined(separator: ", "))")
            }
        } else {
            problems.append("the live answer is not JSON")
        }
        let milliseconds = Int(started.duration(to: .now) / .milliseconds(1))
        var (check, evidenceOut) =
            problems.isEmpty
            ? result(.passed, "the live answer has the recorded shape (request id \(evidence.requestID ?? "-"))")
            : result(.failed, "drift from the cassettes: \(problems.joined(separator: "; "))")
        check.durationMilliseconds = milliseconds
        return (check, evidenceOut)
    }
}
