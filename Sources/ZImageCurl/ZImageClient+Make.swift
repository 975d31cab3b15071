public import Foundation
public import ZImage

extension ZImageClient {
    /// The client for code that makes its own rather than taking one from outside: live (libcurl, the key from
    /// `DASHSCOPE_API_KEY` or `~/.alibabacloud/credentials`), except inside a ZImageTesting scope (`@Test(.cassette)`,
    /// `withCassette`, `withSimulator`), where it is that test's client, so such code is testable offline too.
    ///
    /// ```swift
    /// struct PosterService {
    ///     func poster(_ title: String) async throws -> ImageResult {
    ///         try await ZImageClient.make(region: .singapore).generate(ImageRequest(prompt: title))
    ///     }
    /// }
    /// ```
    ///
    /// - Throws: `ZImageError` with code `missingCredentials` when live and no key is found; a
    ///   `TransportError` when libcurl cannot be set up.
    public static func make(
        region: Region = .beijing,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ZImageClient {
        if let scoped { return scoped }
        let key = try Credentials.resolve(environment: environment).apiKey
        return ZImageClient(transport: try CurlTransport(environment: environment), apiKey: key, region: region)
    }
}
