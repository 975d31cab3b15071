public import Foundation
import ZImageHTTP

/// One recorded scenario: the exchanges in the order they happened, where they came from, and the metadata of whoever
/// recorded it.
///
/// The cassette layer reads and writes ``region`` (and, for the package's own tools, a scenario's metadata) without
/// knowing what they mean: the contract suite (module ZImageContract) keeps a region's name and a scenario's expected
/// outcome there.
public struct Cassette: Sendable, Hashable {
    /// The format version this package reads and writes.
    static let currentFormat = 1

    /// Where the exchanges came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// Recorded from the real service.
        case live
        /// Recorded from a stand-in (a simulator, another origin), stored under the real hosts.
        case simulator
    }

    /// A label for where the exchanges were recorded (a provider's region name), stored as given.
    public var region: String?
    /// Where the exchanges came from.
    public var source: Source
    /// When it was recorded (ISO 8601, UTC); kept as it was when a re-recording gives the same exchanges.
    public var recordedAt: String
    /// The tool that recorded it.
    var recordedWith: String
    /// Metadata of whoever recorded it (the contract suite's scenario: what it shows and how replaying it must end),
    /// stored and returned as given.
    package var scenario: JSONValue? = nil
    /// The exchanges, in order.
    public var interactions: [Interaction]

    /// Creates a cassette.
    public init(
        region: String?, source: Source, recordedAt: String = Cassette.timestamp(Date()),
        recordedWith: String = CassetteRules.standard.recorder, interactions: [Interaction] = []
    ) {
        self.region = region
        self.source = source
        self.recordedAt = recordedAt
        self.recordedWith = recordedWith
        self.interactions = interactions
    }

    /// The response header by which a stand-in says where its answer came from (`X-Cassette-Source: simulator`). A
    /// recording that receives it is marked with that source whatever URL it sent to, so a live transport routed to a
    /// simulator (a rehearsal) records `source: simulator`, never `live`. The header itself is never stored.
    package static let sourceHeader = "X-Cassette-Source"

    /// Recordings older than this many days are reported as due for re-recording (to catch API drift).
    package static let staleAfterDays = 180

    /// Whole days from ``recordedAt`` to `now`; `nil` when ``recordedAt`` is not an ISO 8601 time.
    package func ageInDays(now: Date = Date()) -> Int? {
        ISO8601DateFormatter().date(from: recordedAt).map { Int(now.timeIntervalSince($0) / 86_400) }
    }

    /// `date` as ISO 8601 in UTC with seconds, the format of ``recordedAt``.
    @usableFromInline package static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
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
    /// The header fields kept by the ``CassetteRules`` (credentials redacted).
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
    /// The header fields kept by the ``CassetteRules``.
    public var headers: [String: String]
    /// The body's bytes as recorded (an image read back from its body file); empty when there was none.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
