public import Foundation
import ZImageHTTP

/// What recording and replaying a cassette needs besides its location and mode, each with a default that suits a
/// provider-neutral cassette: standard rules, strict matching, nothing secret, no rewrite, no contract.
public struct CassetteOptions: Sendable {
    /// The provider's credential headers, signed query parameters, image check, stamp and re-recording advice.
    public var rules: CassetteRules
    /// What a recorded request must share with a sent one, when replaying and in new-episodes and update.
    public var matching: RequestMatching
    /// Values that must never be written (the API key): a recording that would write one is refused.
    public var secrets: [String]
    /// The label stored in a new cassette (a provider's region name).
    public var region: String?
    /// Moves another origin's URLs onto the real hosts (and marks the cassette `simulator`), when recording against a
    /// stand-in.
    package var rewrite: OriginRewrite? = nil
    /// Checks what was recorded at each commit: a recording that breaks it is not written (see
    /// ``RecordingTransport/commit(after:verifying:)``).
    package var contract: CassetteContract? = nil
    /// When replaying, answer a request whose recorded answers were all used with the last one again.
    public var allowRepeats: Bool
    /// Where `CI` and `ZIMAGE_ALLOW_RECORDING` are read: with `CI=true`, recording is refused unless allowed.
    public var environment: [String: String]
    /// Stored as a new recording's scenario (see ``Cassette/scenario``); a recording that extends a cassette keeps the
    /// cassette's own, and a fresh recording keeps the old file's when this is `nil`.
    package var scenario: JSONValue? = nil

    /// Creates options.
    public init(
        rules: CassetteRules = .standard,
        matching: RequestMatching = .default,
        secrets: [String] = [],
        region: String? = nil,
        allowRepeats: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.rules = rules
        self.matching = matching
        self.secrets = secrets
        self.region = region
        self.allowRepeats = allowRepeats
        self.environment = environment
    }
}
