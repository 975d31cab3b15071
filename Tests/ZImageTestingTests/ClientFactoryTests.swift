import Foundation
import Testing

@testable import ZImageCurl
@testable import ZImageTestSupport
@testable import ZImageTesting

/// Code that makes its own client (`ZImageClient.make`) gets the test's client inside a scope, a live one outside.
@Suite("ZImageClient.make: the test's client inside a scope, live outside")
struct ClientFactoryTests {
    /// App code that does not take a client from outside.
    struct SelfSufficient {
        func lake() async throws -> ImageResult {
            try await ZImageClient.make { try CurlTransport() }.generate(
                ImageRequest(prompt: "A calm lake at dawn", seed: 7))
        }
    }

    @Test(.cassette("calm-lake", allowUnused: true))
    func insideATraitScope() async throws {
        let result = try await SelfSufficient().lake()  // answered by the cassette: no key, no network
        #expect(result.width == 1024 && result.prompt == "A calm lake at dawn")
    }

    @Test("inside withSimulator, and live (needing a key) outside any scope")
    func insideAndOutside() async throws {
        let simulated = try await withSimulator { _ in try await SelfSufficient().lake() }
        #expect(simulated.width == 1024)
        let error = try #require(throws: ZImageError.self) {
            try ZImageClient.make(environment: ["HOME": "/nonexistent"]) { try CurlTransport() }
        }
        #expect(error.code == .missingCredentials)
    }
}
