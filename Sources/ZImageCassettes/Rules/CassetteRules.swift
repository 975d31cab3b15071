/// What one provider's exchanges need from the cassette layer, which knows HTTP and no API in particular: the header
/// fields that carry credentials, the ones worth keeping, and the query parameters that are signatures.
///
/// Credentials are redacted before anything is written; signed query values are redacted too and take no part in
/// matching (they change on every call). Header fields not kept are dropped: they are volatile, and noise in diffs.
public struct CassetteRules: Sendable, Hashable {
    /// Request header fields whose values are credentials (lower case). `authorization` keeps its scheme
    /// (`Bearer <redacted>`); the others become ``Redactor/placeholder``.
    package var credentialHeaders: Set<String>
    /// Request header fields kept as sent (lower case), besides the credential ones.
    package var keptRequestHeaders: Set<String>
    /// Response header fields kept (lower case).
    package var keptResponseHeaders: Set<String>
    /// Query parameters whose values are signatures or expiry times (matched in any case): redacted wherever a URL
    /// with them appears, and ignored when requests are matched.
    package var signedQueryParameters: Set<String>
    /// Regular expressions of what the provider's keys look like, so the linter can flag one that reached a file.
    package var keyPatterns: [String]

    /// Creates rules; names are matched in any case.
    public init(
        credentialHeaders: Set<String> = ["authorization", "proxy-authorization"],
        keptRequestHeaders: Set<String> = ["content-type"],
        keptResponseHeaders: Set<String> = ["content-type", "retry-after", "location"],
        signedQueryParameters: Set<String> = [],
        keyPatterns: [String] = []
    ) {
        self.credentialHeaders = Set(credentialHeaders.map { $0.lowercased() })
        self.keptRequestHeaders = Set(keptRequestHeaders.map { $0.lowercased() })
        self.keptResponseHeaders = Set(keptResponseHeaders.map { $0.lowercased() })
        self.signedQueryParameters = Set(signedQueryParameters.map { $0.lowercased() })
        self.keyPatterns = keyPatterns
    }

    /// HTTP's own credential fields redacted, Content-Type kept, no signed query parameters.
    public static let standard = CassetteRules()
}
