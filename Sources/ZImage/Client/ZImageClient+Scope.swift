public import Foundation
public import ZImageHTTP

extension ZImageClient {
    /// The client a test scope lends to code that makes its own (``make(region:environment:transport:)``): set by
    /// ZImageTesting's `.cassette` trait, `withCassette` and `withSimulator` for the task tree of the test, as
    /// swift-dependencies lends its dependencies through task-locals. `nil` outside a test scope.
    @TaskLocal package static var scoped: ZImageClient?

    /// The client for code that makes its own rather than taking one from outside: on `transport` (made only when
    /// needed) with the key from `DASHSCOPE_API_KEY` or `~/.alibabacloud/credentials`, except inside a ZImageTesting scope
    /// (`@Test(.cassette)`, `withCassette`, `withSimulator`), where it is that test's client, so such code is testable
    /// offline too.
    ///
    /// ```swift
    /// import ZImageCurl
    ///
    /// struct PosterService {
    ///     func poster(_ title: String) async throws -> ImageResult {
    ///         try await ZImageClient.make(region: .singapore) { try CurlTransport() }
    ///             .generate(ImageRequest(prompt: title))
    ///     }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - region: the region to call.
    ///   - environment: where the key is looked up.
    ///   - transport: makes the live transport; not called inside a test scope.
    /// - Throws: ``ZImageError`` with code `missingCredentials` when no key is found; what `transport` throws.
    public static func make(
        region: Region = .beijing,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: () throws -> any Transport
    ) throws -> ZImageClient {
        if let scoped { return scoped }
        let key = try Credentials.resolve(environment: environment).apiKey
        return ZImageClient(transport: try transport(), apiKey: key, region: region)
    }
}
