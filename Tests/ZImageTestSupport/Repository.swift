package import Foundation
package import ZImageCurl

/// The repository's root folder (this file is `Tests/ZImageTestSupport/Repository.swift`).
package let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The repository's committed cassettes.
package let committedCassettes = repositoryRoot.appendingPathComponent("cassettes")

/// A live transport for loopback, proxies ignored.
package func loopbackTransport() throws -> CurlTransport {
    try CurlTransport(configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(20)), environment: [:])
}
