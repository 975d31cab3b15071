import Foundation
import HTTPTypes
import ZImage
import ZImageCassettes
import ZImageCurl
import ZImageSimulator

/// A sentinel key: no byte of any cassette may contain it.
let sentinelKey = APIKey("sk-test-sentinel-9d8c7b6a5f")

/// The repository's committed cassettes.
let committedCassettes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("cassettes")

func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-cassette-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Every byte of every file under `folder`.
func allBytes(under folder: URL) throws -> [(String, Data)] {
    let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
    return try files.filter { !$0.hasDirectoryPath }.map { ($0.path, try Data(contentsOf: $0)) }
}

/// A simulator of `region` that accepts the sentinel key, and a rewrite of its origin onto the region's endpoints.
func startSimulator(_ region: Region = .beijing) async throws -> (SimulatorServer, OriginRewrite) {
    let server = try await SimulatorServer.start(backend: DashScopeSimulation(region: region, acceptedKeys: [sentinelKey.value]))
    let rewrite = OriginRewrite(origin: server.baseURL, apiHost: region.host, resultHost: region.exampleResultHost,
                                resultPrefix: "/results/\(region.rawValue)/")
    return (server, rewrite)
}

/// A live transport for loopback, proxies ignored.
func loopbackTransport() throws -> CurlTransport {
    try CurlTransport(configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(20)), environment: [:])
}

/// A recorded generation exchange with `body` as its request body.
func generationInteraction(_ body: String, answer: String = #"{"request_id":"r","code":"X","message":"m"}"#, status: Int = 400) -> Interaction {
    Interaction(
        request: RecordedRequest(method: "POST", url: Region.beijing.generationURL.absoluteString,
                                 headers: ["content-type": "application/json"], body: Data(body.utf8)),
        response: RecordedResponse(status: status, headers: ["content-type": "application/json"], body: Data(answer.utf8)))
}
