package import ZImage
public import ZImageCassettes

extension CassetteRules {
    /// DashScope's rules: the key travels in `Authorization` or `X-DashScope-ApiKey`; image URLs are OSS presigned URLs
    /// whose `Expires`, `OSSAccessKeyId`, `Signature` and `security-token` are credentials; keys look like `sk-…` (test
    /// keys, `sk-test-…`, are not flagged).
    public static let dashScope = CassetteRules(
        credentialHeaders: ["authorization", "proxy-authorization", DashScopeAPI.apiKeyHeader],
        signedQueryParameters: Set(DashScopeAPI.signedURLQueryParameters),
        keyPatterns: [#"sk-(?!test-)[A-Za-z0-9]{16,}"#])
}

extension Cassette {
    /// The region the cassette was recorded in, `nil` when it names none (or one this package does not know).
    package var dashScopeRegion: Region? {
        region.flatMap(Region.init(name:))
    }
}
