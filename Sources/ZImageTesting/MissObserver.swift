import Foundation
import HTTPTypes
import Synchronization
import ZImage
import ZImageCassettes

/// Passes every request to the replaying transport and keeps each cassette miss it throws, so the harness reports the miss
/// even when the code under test catches the error.
final class MissObserver: Transport {
    private let upstream: any Transport
    private let seen = Mutex<[CassetteMiss]>([])

    init(upstream: any Transport) {
        self.upstream = upstream
    }

    /// The misses so far, in order.
    var misses: [CassetteMiss] { seen.withLock { $0 } }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        do {
            return try await upstream.send(request, body: body)
        } catch {
            if let miss = CassetteMiss(from: error) { seen.withLock { $0.append(miss) } }
            throw error
        }
    }
}
