package import Foundation
package import ZImageCurl

/// The repository's committed cassettes.
package let committedCassettes = repositoryRoot.appendingPathComponent("cassettes")

/// A live transport for loopback, proxies ignored.
package func loopbackTransport() throws -> CurlTransport {
    try CurlTransport(configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(20)), environment: [:])
}

/// A copy of the committed cassettes (both regions, their body files too) at `folder/cassettes`, as a checkout has
/// them: what a failed recording must leave byte for byte.
package func copyOfCommittedCassettes(in folder: URL) throws -> URL {
    let copy = folder.appendingPathComponent("cassettes")
    try FileManager.default.copyItem(at: committedCassettes, to: copy)
    return copy
}

/// Every file under `folder` by its path, with its bytes: compare two to show nothing changed.
package func snapshot(of folder: URL) throws -> [String: Data] {
    Dictionary(try allBytes(under: folder), uniquingKeysWith: { first, _ in first })
}
