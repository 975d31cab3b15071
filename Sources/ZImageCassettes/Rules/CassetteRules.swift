public import Foundation

/// What one provider's exchanges need from the cassette layer, which knows HTTP and no API in particular: the header
/// fields that carry credentials, the ones worth keeping, the query parameters that are signatures, how to verify an
/// image body, and how the tool that records names itself and tells a person to re-record.
///
/// Credentials are redacted before anything is written; signed query values are redacted too and take no part in
/// matching (they change on every call). Header fields not kept are dropped: they are volatile, and noise in diffs.
public struct CassetteRules: Sendable {
    /// Request header fields whose values are credentials (lower case). `authorization` keeps its scheme
    /// (`Bearer <redacted>`); the others become `Redactor/placeholder`.
    public var credentialHeaders: Set<String>
    /// Request header fields kept as sent (lower case), besides the credential ones.
    var keptRequestHeaders: Set<String>
    /// Response header fields kept (lower case).
    var keptResponseHeaders: Set<String>
    /// Query parameters whose values are signatures or credentials (matched in any case): redacted wherever a URL with
    /// them appears (to a URI-safe placeholder, so the URL stays a valid URL), and ignored when requests are matched.
    public var signedQueryParameters: Set<String>
    /// Query parameters that change on every call but are no secret (an expiry time, matched in any case): kept as
    /// recorded, so a recorded answer keeps its type, and ignored when requests are matched and when a re-recording is
    /// compared with the cassette it would replace.
    public var volatileQueryParameters: Set<String>
    /// Regular expressions of what the provider's keys look like, so the linter can flag one that reached a file.
    public var keyPatterns: [String]

    /// Verifies an image body file (`bodies/<sha256>.png`) whole when a cassette is loaded, throwing why it is unsound.
    /// The cassette layer itself only checks that a body file has the hash its cassette states; `nil` checks no more.
    public var verifyImage: (@Sendable (Data) throws -> Void)?
    /// Who records, stamped into each cassette's `recorded_with` (for example `zimage 0.9.0`).
    public var recorder: String
    /// How a person re-records a cassette, ending the report of a cassette miss and the error for a missing cassette.
    public var reRecordingHint: String

    /// Creates rules; names are matched in any case.
    public init(
        credentialHeaders: Set<String> = ["authorization", "proxy-authorization"],
        keptRequestHeaders: Set<String> = ["content-type"],
        keptResponseHeaders: Set<String> = ["content-type", "retry-after", "location"],
        signedQueryParameters: Set<String> = [],
        volatileQueryParameters: Set<String> = [],
        keyPatterns: [String] = [],
        verifyImage: (@Sendable (Data) throws -> Void)? = nil,
        recorder: String = "ZImageCassettes",
        reRecordingHint: String =
            "record it again with record mode update (records what changed, drops what is no longer "
            + "sent), new-episodes (only adds what is missing) or all (records everything again)"
    ) {
        self.credentialHeaders = Set(credentialHeaders.map { $0.lowercased() })
        self.keptRequestHeaders = Set(keptRequestHeaders.map { $0.lowercased() })
        self.keptResponseHeaders = Set(keptResponseHeaders.map { $0.lowercased() })
        self.signedQueryParameters = Set(signedQueryParameters.map { $0.lowercased() })
        self.volatileQueryParameters = Set(volatileQueryParameters.map { $0.lowercased() })
        self.keyPatterns = keyPatterns
        self.verifyImage = verifyImage
        self.recorder = recorder
        self.reRecordingHint = reRecordingHint
    }

    /// These rules, keeping the request header fields `names` as well (credential ones stay redacted): the fields a
    /// matching reads, so that a recording keeps what its replay matches on.
    func keepingRequestHeaders(_ names: Set<String>) -> Self {
        var copy = self
        copy.keptRequestHeaders.formUnion(names.map { $0.lowercased() })
        return copy
    }

    /// HTTP's own credential fields redacted, Content-Type kept, no signed query parameters.
    public static let standard = CassetteRules()
}
