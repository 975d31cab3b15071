import Foundation
import ZImage

/// One recorded scenario: the exchanges in the order they happened, where they came from, and what replaying them through
/// the client must give.
public struct Cassette: Sendable, Hashable {
    /// The format version this package reads and writes.
    public static let currentFormat = 1

    /// Where the exchanges came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// Recorded from DashScope itself.
        case live
        /// Recorded from the simulator (or another origin), stored under the real endpoints.
        case simulator
    }

    /// The region whose endpoints the exchanges use.
    public var region: Region?
    /// Where the exchanges came from.
    public var source: Source
    /// When it was recorded (ISO 8601, UTC); kept as it was when a re-recording gives the same exchanges.
    public var recordedAt: String
    /// The tool that recorded it.
    public var recordedWith: String
    /// What the cassette shows and how replaying it must end, for the contract tests.
    public var scenario: Scenario?
    /// The exchanges, in order.
    public var interactions: [Interaction]

    /// Creates a cassette.
    public init(region: Region?, source: Source, recordedAt: String = GenerationEvidence.timestamp(Date()),
                recordedWith: String = "zimage \(ZImageVersion.current)", scenario: Scenario? = nil, interactions: [Interaction] = []) {
        self.region = region
        self.source = source
        self.recordedAt = recordedAt
        self.recordedWith = recordedWith
        self.scenario = scenario
        self.interactions = interactions
    }
}

/// One request and its response.
public struct Interaction: Sendable, Hashable {
    /// What was sent.
    public var request: RecordedRequest
    /// What came back.
    public var response: RecordedResponse

    /// Creates an interaction.
    public init(request: RecordedRequest, response: RecordedResponse) {
        self.request = request
        self.response = response
    }
}

/// A recorded request: method, full URL, the header fields kept, and the body.
public struct RecordedRequest: Sendable, Hashable {
    /// The method, upper case.
    public var method: String
    /// The full URL, with the signed query values redacted.
    public var url: String
    /// The header fields kept (Content-Type, and Authorization as `Bearer <redacted>`).
    public var headers: [String: String]
    /// The body, or `nil` for none.
    public var body: Data?

    /// Creates a request.
    public init(method: String, url: String, headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A recorded response: status, the header fields kept, and the body.
public struct RecordedResponse: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// The header fields kept (Content-Type, Retry-After, Location).
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What a cassette shows, the request that replays it, and the outcome the contract expects.
public struct Scenario: Sendable, Hashable, Codable {
    /// What the client does with the cassette.
    public enum Operation: String, Sendable, Hashable, Codable {
        /// Generate, then download the image.
        case generate
        /// The read-only models probe.
        case probe
    }

    /// A short, unique name, also the file name.
    public var name: String
    /// What the scenario shows, in a sentence.
    public var summary: String
    /// What the client does.
    public var operation: Operation
    /// The request in the skill's fields (generate only).
    public var request: [String: JSONValue]?
    /// Whether the client sends a key the API accepts (false for the bad-key scenarios).
    public var validKey: Bool
    /// What replaying must give.
    public var expect: Expectation

    /// Creates a scenario.
    public init(name: String, summary: String, operation: Operation, request: [String: JSONValue]?, validKey: Bool = true,
                expect: Expectation) {
        self.name = name
        self.summary = summary
        self.operation = operation
        self.request = request
        self.validKey = validKey
        self.expect = expect
    }

    /// The request as the client takes it.
    public func imageRequest() throws -> ImageRequest {
        let data = try CassetteFile.compactEncoder.encode(request ?? [:])
        return try RequestFields(json: data, source: "scenario \(name)").request()
    }

    enum CodingKeys: String, CodingKey {
        case name, operation, request, expect
        case summary = "description"
        case validKey = "valid_key"
    }
}

/// The outcome a scenario must have when replayed through the client.
public struct Expectation: Sendable, Hashable, Codable {
    /// How it ends.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// A result, and (for generate) a downloaded PNG.
        case success
        /// A ``ZImageError/api(_:)`` error.
        case apiError = "api_error"
        /// The generation succeeds, the download fails.
        case downloadError = "download_error"
        /// The probe's key is refused.
        case unauthorized
    }

    /// How it ends.
    public var outcome: Outcome
    /// The HTTP status of the failing answer (errors only).
    public var httpStatus: Int?
    /// The error code (API errors only).
    public var code: String?
    /// The image's width and height (successful generations).
    public var width: Int?
    public var height: Int?
    /// Attempts the client makes, retries included.
    public var attempts: Int?
    /// Whether the result has a rewritten prompt and reasoning (prompt_extend).
    public var extended: Bool?

    /// Creates an expectation.
    public init(outcome: Outcome, httpStatus: Int? = nil, code: String? = nil, width: Int? = nil, height: Int? = nil,
                attempts: Int? = nil, extended: Bool? = nil) {
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.code = code
        self.width = width
        self.height = height
        self.attempts = attempts
        self.extended = extended
    }

    enum CodingKeys: String, CodingKey {
        case outcome, code, width, height, attempts, extended
        case httpStatus = "http_status"
    }
}
