import Foundation
package import ZImage

/// The outcome of one check, as it appears on stdout and in the evidence files: its kind and region are typed, and a
/// failed case keeps the cassette file and line it points at.
package struct Check: Sendable, Codable {
    /// How a check ended.
    package enum Status: String, Sendable, Codable {
        case passed, failed, skipped
    }

    /// What a check looks at.
    package enum Kind: String, Sendable, Codable {
        /// The package builds, tests included.
        case compile
        /// The read-only connectivity probe of a region.
        case probe
        /// The documented payloads and the region's cassettes replayed to their expected outcomes.
        case contract
        /// A live generation compared with the recorded one.
        case drift
    }

    /// What the check looks at.
    package var kind: Kind
    /// The region it looks at, `nil` for one that looks at none (compile).
    package var region: Region?
    /// How it ended.
    package var status: Status
    /// What happened, in a sentence (for stdout, the summary and JUnit).
    package var detail: String
    /// Whether the run fails when this check does not pass; a skipped optional check does not count against it.
    package var required = true
    /// How long it took.
    package var durationMilliseconds = 0
    /// The request ids its exchanges carried.
    package var requestIDs: [String] = []
    /// Its test cases (a contract check's scenarios), empty for a check that is one case.
    package var cases: [CaseResult] = []

    /// Creates a check result.
    package init(
        _ kind: Kind, region: Region? = nil, status: Status, detail: String, required: Bool = true,
        durationMilliseconds: Int = 0, requestIDs: [String] = [], cases: [CaseResult] = []
    ) {
        self.kind = kind
        self.region = region
        self.status = status
        self.detail = detail
        self.required = required
        self.durationMilliseconds = durationMilliseconds
        self.requestIDs = requestIDs
        self.cases = cases
    }

    /// `kind-region` (`contract-beijing`), or the kind alone: the name stdout, JSON and JUnit use.
    package var name: String { region.map { "\(kind.rawValue)-\($0.rawValue)" } ?? kind.rawValue }

    /// One test case of a check.
    package struct CaseResult: Sendable, Codable {
        /// The case's name (a scenario's).
        package var name: String
        /// Whether it passed.
        package var passed: Bool
        /// What happened, or what failed.
        package var detail: String
        /// The cassette the case replayed, when it did.
        package var file: String?
        /// The line of that file a failure points at (the offending interaction, else 1).
        package var line: Int?
        /// How long it took.
        package var durationMilliseconds: Int?
        /// Something worth attention that does not fail the case (an old recording).
        package var warning: String?

        /// Creates a case result.
        package init(
            name: String, passed: Bool, detail: String, file: String? = nil, line: Int? = nil,
            durationMilliseconds: Int? = nil, warning: String? = nil
        ) {
            self.name = name
            self.passed = passed
            self.detail = detail
            self.file = file
            self.line = line
            self.durationMilliseconds = durationMilliseconds
            self.warning = warning
        }

        enum CodingKeys: String, CodingKey {
            case name, passed, detail, file, line, warning
            case durationMilliseconds = "duration_ms"
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, region, status, detail, required, cases
        case durationMilliseconds = "duration_ms"
        case requestIDs = "request_ids"
    }

    /// Reads a check as ``encode(to:)`` writes it.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .kind)
        region = try container.decodeIfPresent(String.self, forKey: .region).flatMap(Region.init(name:))
        status = try container.decode(Status.self, forKey: .status)
        detail = try container.decode(String.self, forKey: .detail)
        required = try container.decode(Bool.self, forKey: .required)
        durationMilliseconds = try container.decode(Int.self, forKey: .durationMilliseconds)
        requestIDs = try container.decode([String].self, forKey: .requestIDs)
        cases = try container.decode([CaseResult].self, forKey: .cases)
    }

    /// Writes the check with its ``name`` beside its kind and region.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(region?.rawValue, forKey: .region)
        try container.encode(status, forKey: .status)
        try container.encode(detail, forKey: .detail)
        try container.encode(required, forKey: .required)
        try container.encode(durationMilliseconds, forKey: .durationMilliseconds)
        try container.encode(requestIDs, forKey: .requestIDs)
        try container.encode(cases, forKey: .cases)
    }
}
