/// DashScope's fixed names for z-image-turbo, each written once: the client, the simulator, the contract checks and the
/// cassette rules all read them from here (docs/CONTRACT.md "Endpoints", "Request", "Read-only probe").
package enum DashScopeAPI {
    /// The only model this package talks to.
    package static let model = "z-image-turbo"
    /// The path of the synchronous generation endpoint, the same in every region.
    package static let generationPath = "/api/v1/services/aigc/multimodal-generation/generation"
    /// The path of the models list that the read-only probe requests.
    package static let modelsPath = "/compatible-mode/v1/models"
    /// The models list documented for Singapore, which the simulator also answers.
    package static let documentedModelsPath = "/api/v1/models"
    /// The header the API also accepts the key in, besides `Authorization: Bearer`.
    package static let apiKeyHeader = "X-DashScope-ApiKey"
    /// The query parameters of an OSS presigned image URL: credentials, valid for 24 hours, different on every call.
    package static let signedURLQueryParameters: [String] = [
        "Expires", "OSSAccessKeyId", "Signature", "security-token",
    ]
    /// The presigned URL's expiry time, in seconds since 1970: no secret, but new on every call.
    package static let expiryQueryParameter = "Expires"
    /// The path prefixes of API requests (as opposed to image downloads from an OSS host).
    package static let apiPathPrefixes = ["/api/", "/compatible-mode/"]
}
