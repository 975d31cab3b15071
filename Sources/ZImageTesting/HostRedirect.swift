import Foundation
import HTTPTypes
import ZImage

/// Sends what a client addresses to a region's API host to another origin instead (a simulator on loopback), path and
/// query unchanged, so that the code under test keeps its default endpoints. Image URLs need no redirect: the simulator
/// hands out its own.
struct HostRedirect: Transport {
    let upstream: any Transport
    /// The API host whose requests move (`dashscope.aliyuncs.com`).
    let host: String
    /// Where they go: `http://127.0.0.1:PORT` (any path is ignored).
    let origin: URL

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        guard request.authority == host, let scheme = origin.scheme, let target = origin.host else {
            return try await upstream.send(request, body: body)
        }
        var moved = request
        moved.scheme = scheme
        moved.authority = origin.port.map { "\(target):\($0)" } ?? target
        return try await upstream.send(moved, body: body)
    }
}
