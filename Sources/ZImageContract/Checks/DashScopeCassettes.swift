package import ZImage
public import ZImageCassettes

extension CassetteRules {
    /// DashScope's rules: the key travels in `Authorization` or `X-DashScope-ApiKey`; image URLs are OSS presigned URLs
    /// whose `OSSAccessKeyId`, `Signature` and `security-token` are credentials (redacted) and whose `Expires` is a time
    /// (kept, and ignored in matching); keys look like `sk-…` (test
    /// keys, `sk-test-…`, are not flagged); an image body must be a PNG sound to its last chunk; cassettes are stamped
    /// `zimage <version>`. A miss tells how to re-record in the words of record modes, not of a command line's flags: an
    /// app that logs the error has none (the command line and the test harness give their own advice).
    public static let dashScope = CassetteRules(
        credentialHeaders: ["authorization", "proxy-authorization", DashScopeAPI.apiKeyHeader],
        signedQueryParameters: Set(DashScopeAPI.signedURLQueryParameters).subtracting([
            DashScopeAPI.expiryQueryParameter
        ]),
        volatileQueryParameters: [DashScopeAPI.expiryQueryParameter],
        keyPatterns: [#"sk-(?!test-)[A-Za-z0-9]{16,}"#],
        verifyImage: { _ = try PNGImage(verifying: $0) },
        recorder: "zimage \(ZImageVersion.current)")
}

extension CassetteOptions {
    /// Options for recording and replaying DashScope's API: its rules (`CassetteRules.dashScope`) and its
    /// contract, which every recorded exchange is held to before anything is written (a broken one keeps the old file),
    /// with `secrets` (the API key) redacted and refused wherever it survives.
    public static func dashScope(secrets: [String], region: String? = nil) -> CassetteOptions {
        var options = CassetteOptions(rules: .dashScope, secrets: secrets, region: region)
        options.contract = ContractChecker.contract
        return options
    }
}

extension Cassette {
    /// The region the cassette was recorded in, `nil` when it names none (or one this package does not know).
    package var dashScopeRegion: Region? {
        region.flatMap(Region.init(name:))
    }
}
