import Foundation
package import ZImage
package import ZImageCassettes
import ZImageContract

/// What a cassette shows, the request that replays it, and the outcome the contract expects.
package struct Scenario: Sendable, Hashable, Codable {
    /// What the client does with the cassette.
    package enum Operation: String, Sendable, Hashable, Codable {
        /// Generate, then download the image.
        case generate
        /// The read-only models probe.
        case probe
    }

    /// A short, unique name, also the file name.
    package var name: String
    /// What the scenario shows, in a sentence.
    package var summary: String
    /// What the client does.
    package var operation: Operation
    /// The request in the skill's fields (generate only).
    package var request: [String: JSONValue]?
    /// Whether the client sends a key the API accepts (false for the bad-key scenarios).
    var validKey: Bool
    /// What replaying must give.
    package var expect: Expectation

    /// Creates a scenario.
    package init(
        name: String, summary: String, operation: Operation, request: [String: JSONValue]?, validKey: Bool = true,
        expect: Expectation
    ) {
        self.name = name
        self.summary = summary
        self.operation = operation
        self.request = request
        self.validKey = validKey
        self.expect = expect
    }

    /// The request as the client takes it.
    ///
    /// - Throws: `ZImageError` with code `invalidRequest` naming the field.
    package func imageRequest() throws -> ImageRequest {
        try RequestFields(json: JSONValue.object(request ?? [:]).data, source: "scenario \(name)").request()
    }

    /// The scenario as a cassette stores it: the JSON object this type encodes to.
    package var metadata: JSONValue {
        // Encoding plain strings, numbers and booleans cannot fail; the fallback is never taken.
        (try? JSONEncoder().encode(self)).flatMap(JSONValue.init(parsing:)) ?? .null
    }

    /// The scenario a cassette stores, `nil` when it has none.
    ///
    /// The one reading of a scenario that `zimage cassettes check`, `validate`, the report and the recorder share: what
    /// one accepts, the others run (see ``validate()``).
    ///
    /// - Throws: `ScenarioError` when the cassette's scenario is not one this package reads.
    package init?(of cassette: Cassette) throws {
        guard let metadata = cassette.scenario else { return nil }
        if case .object(let fields) = metadata {
            try Self.refuseUnknownFields(fields, allowed: CodingKeys.allCases.map(\.rawValue), at: "scenario")
            if case .object(let expect)? = fields["expect"] {
                try Self.refuseUnknownFields(
                    expect, allowed: Expectation.CodingKeys.allCases.map(\.rawValue), at: "scenario.expect")
            }
        }
        do {
            self = try JSONDecoder().decode(Scenario.self, from: metadata.data)
        } catch {
            throw ScenarioError(reason: Self.describe(error))
        }
        try validate()
    }

    /// Refuses a scenario that replaying could not check: a name that is not a plain slug, text with control characters,
    /// a generation without a valid request, an outcome the operation cannot have, an error without its status or code.
    ///
    /// - Throws: `ScenarioError` naming the field and what is allowed.
    package func validate() throws {
        func fail(_ reason: String) -> ScenarioError { ScenarioError(reason: reason) }
        let slug = name.utf8.allSatisfy {
            (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-")
        }
        guard !name.isEmpty, name.count <= 80, slug, !name.hasPrefix("-") else {
            throw fail(
                "scenario.name is \"\(untrusted: name)\"; allowed: lower-case letters, digits and hyphens, at most 80, "
                    + "not starting with a hyphen")
        }
        for (field, text) in [("description", summary), ("expect.code", expect.code ?? "")]
        where text.unicodeScalars.contains(where: UntrustedText.isEscaped) {
            throw fail("scenario.\(field) holds a control character")
        }
        if let status = expect.httpStatus, !(100...599).contains(status) {
            throw fail("scenario.expect.http_status is \(status); allowed: 100 to 599")
        }
        switch operation {
        case .generate:
            guard request != nil else { throw fail("scenario.request is missing; a generate scenario needs one") }
            do {
                _ = try imageRequest()
            } catch {
                throw fail("scenario.request is invalid: \(error)")
            }
            guard expect.outcome != .unauthorized else {
                throw fail(
                    "scenario.expect.outcome is unauthorized; allowed for generate: success, api_error, download_error")
            }
        case .probe:
            guard request == nil else { throw fail("scenario.request is set; a probe sends none") }
            guard [.success, .unauthorized].contains(expect.outcome) else {
                throw fail(
                    "scenario.expect.outcome is \(expect.outcome.rawValue); allowed for probe: success, unauthorized")
            }
        }
        switch expect.outcome {
        case .apiError where expect.httpStatus == nil || expect.code == nil:
            throw fail("scenario.expect of an api_error needs http_status and code")
        case .downloadError where expect.httpStatus == nil:
            throw fail("scenario.expect of a download_error needs http_status")
        default:
            break
        }
    }

    private static func refuseUnknownFields(_ fields: [String: JSONValue], allowed: [String], at place: String) throws {
        if let unknown = fields.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw ScenarioError(
                reason: "\(place) has the field \"\(untrusted: unknown)\", which scenarios do not define; "
                    + "allowed: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "\(key.stringValue) is missing at scenario.\(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            "\(context.debugDescription) at scenario.\(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default:
            "\(error)"
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, operation, request, expect
        case summary = "description"
        case validKey = "valid_key"
    }
}

/// The outcome a scenario must have when replayed through the client.
package struct Expectation: Sendable, Hashable, Codable {
    /// How it ends.
    package enum Outcome: String, Sendable, Hashable, Codable {
        /// A result, and (for generate) a downloaded PNG.
        case success
        /// A `ZImageError/api(_:)` error.
        case apiError = "api_error"
        /// The generation succeeds, the download fails.
        case downloadError = "download_error"
        /// The probe's key is refused.
        case unauthorized
    }

    /// How it ends.
    package var outcome: Outcome
    /// The HTTP status of the failing answer (errors only).
    package var httpStatus: Int?
    /// The error code (API errors only).
    package var code: String?
    /// The image's width (successful generations).
    package var width: Int?
    /// The image's height (successful generations).
    package var height: Int?
    /// Attempts the client makes, retries included.
    package var attempts: Int?
    /// Whether the result has a rewritten prompt and reasoning (prompt_extend).
    var extended: Bool?

    /// Creates an expectation.
    init(
        outcome: Outcome, httpStatus: Int? = nil, code: String? = nil, width: Int? = nil, height: Int? = nil,
        attempts: Int? = nil, extended: Bool? = nil
    ) {
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.code = code
        self.width = width
        self.height = height
        self.attempts = attempts
        self.extended = extended
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case outcome, code, width, height, attempts, extended
        case httpStatus = "http_status"
    }
}

/// A cassette's scenario that cannot be read.
struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with it.
    package var reason: String

    /// How it reads in a message.
    package var description: String { "the scenario cannot be read: \(reason)" }
}
