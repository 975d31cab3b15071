import ZImage
public import ZImageCassettes

extension CassetteRules {
    /// DashScope's rules: the key travels in `Authorization` or `X-DashScope-ApiKey`; image URLs are OSS presigned URLs
    /// whose `Expires`, `OSSAccessKeyId`, `Signature` and `security-token` are credentials; keys look like `sk-…` (test
    /// keys, `sk-test-…`, are not flagged); an image body must be a PNG sound to its last chunk; cassettes are stamped
    /// `zimage <version>` and a miss tells how to re-record with the command line.
    public static let dashScope = CassetteRules(
        credentialHeaders: ["authorization", "proxy-authorization", DashScopeAPI.apiKeyHeader],
        signedQueryParameters: Set(DashScopeAPI.signedURLQueryParameters),
        keyPatterns: [#"sk-(?!test-)[A-Za-z0-9]{16,}"#],
        verifyImage: { _ = try PNGImage(verifying: $0) },
        recorder: "zimage \(ZImageVersion.current)",
        reRecordingHint:
            "run with --record-mode update (records what changed, drops what is no longer sent), new-episodes "
            + "(only adds what is missing) or all (records everything again), or `zimage cassettes record`")
}

extension Cassette {
    /// The region the cassette was recorded in, `nil` when it names none (or one this package does not know).
    var dashScopeRegion: Region? {
        region.flatMap(Region.init(name:))
    }
}
