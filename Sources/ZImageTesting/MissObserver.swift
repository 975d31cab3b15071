import Foundation
import HTTPTypes
import Synchronization
import ZImage
import ZImageCassettes

/// Passes every request to the replaying transport and keeps each cassette miss it throws, so the harness reports the miss
/// even when the code under test catches the error; keeps the requests too, to say how an unused interaction differs.
final class MissObserver: Transport {
    private let upstream: any Transport
    private let seen = Mutex<[CassetteMiss]>([])
    private let requests = Mutex<[RecordedRequest]>([])

    init(upstream: any Transport) {
        self.upstream = upstream
    }

    /// The misses so far, in order.
    var misses: [CassetteMiss] { seen.withLock { $0 } }

    /// Every request sent so far, in order, as a cassette records one.
    var sent: [RecordedRequest] { requests.withLock { $0 } }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        requests.withLock { $0.append(RecordedRequest(request, body: body)) }
        do {
            return try await upstream.send(request, body: body)
        } catch {
            if let miss = CassetteMiss(from: error) { seen.withLock { $0.append(miss) } }
            throw error
        }
    }
}
