import Foundation
import HTTPTypes
import Synchronization
import ZImageCassettes

/// The faults scripted for one simulator, played one request at a time in the order injected, and what playing one
/// makes of an answer. The loopback server and the in-process ``SimulationTransport`` play them through this one type,
/// so a fault means the same wherever a test meets it.
package final class FaultScript: Sendable {
    private struct Entry {
        var path: String?
        var pathPrefix: String?
        var fault: SimulatorFault

        func applies(to requestPath: String) -> Bool {
            (path == nil || path == requestPath) && (pathPrefix.map { requestPath.hasPrefix($0) } ?? true)
        }
    }

    private let entries = Mutex<[Entry]>([])
    /// Request ids of fault answers: deterministic for a given sequence of requests, like the simulation's.
    package let requestIDs = Counter()

    package init() {}

    /// Plays `fault` for the next `times` requests: to `path` only when given, or to paths starting with `pathPrefix`.
    package func inject(_ fault: SimulatorFault, path: String? = nil, pathPrefix: String? = nil, times: Int = 1) {
        entries.withLock { entries in
            for _ in 0..<max(0, times) { entries.append(Entry(path: path, pathPrefix: pathPrefix, fault: fault)) }
        }
    }

    /// Plays `fault` for the next requests it applies to.
    package func inject(_ fault: DashScopeFault) {
        inject(fault.simulatorFault, pathPrefix: fault.pathPrefix, times: fault.times)
    }

    /// Faults injected and not yet played.
    package var pending: Int { entries.withLock { $0.count } }

    /// The first scripted fault for `path`, removed from the script.
    package func take(for path: String) -> SimulatorFault? {
        entries.withLock { entries in
            guard let index = entries.firstIndex(where: { $0.applies(to: path) }) else { return nil }
            return entries.remove(at: index).fault
        }
    }

    /// The answer to `request` with `fault` played, or the backend's plain answer when `fault` is `nil`. Every answer
    /// carries ``ZImageCassettes/Cassette/sourceHeader``, so a recording made through the simulator says so.
    ///
    /// - Parameter sleep: how a delay before the headers is waited out (a transport with a deadline may cut it short).
    package func play(
        _ fault: SimulatorFault?, answering request: SimulatorRequest, backend: any SimulatorBackend,
        sleep: (Duration) async throws -> Void
    ) async throws -> PlayedAnswer {
        var response: SimulatorResponse
        var delivery = PlayedAnswer.Delivery.whole
        switch fault {
        case .connectionReset:
            return .reset
        case .status(let status, let code, let message, let retryAfter):
            var headers = HTTPFields()
            if let retryAfter { headers[.retryAfter] = retryAfter }
            let requestID = requestIDs.nextRequestID(seed: request.body)
            response = .json(
                status, DashScopeSimulation.errorBody(code: code, message: message, requestID: requestID),
                headers: headers)
        case .invalidJSON:
            response = .json(200, Data(#"{"output": {"choices": [{"finish_reason": "stop", "message": {"#.utf8))
        case .redirect(let location, let status):
            var headers = HTTPFields()
            headers[.location] = location
            response = SimulatorResponse(status: status, headerFields: headers)
        case .endlessBody(let status, let location):
            var headers = HTTPFields()
            headers[.contentType] = "application/octet-stream"
            if let location { headers[.location] = location }
            response = SimulatorResponse(status: status, headerFields: headers)
            delivery = .endless
        case .raw(let status, let contentType, let body, let chunked):
            var headers = HTTPFields()
            headers[.contentType] = contentType
            response = SimulatorResponse(status: status, headerFields: headers, body: body)
            if chunked { delivery = .chunked }
        case .delayBeforeHeaders(let delay):
            try await sleep(delay)
            response = await backend.respond(to: request)
        case .slowBody(let chunkSize, let interval):
            response = await backend.respond(to: request)
            delivery = .slow(chunkSize: max(1, chunkSize), interval: interval)
        case .truncatedBody:
            response = await backend.respond(to: request)
            delivery = .truncated
        case nil:
            response = await backend.respond(to: request)
        }
        if let source = HTTPField.Name(Cassette.sourceHeader) {  // a valid name, never nil
            response.headerFields[source] = Cassette.Source.simulator.rawValue
        }
        return .answer(response, delivery)
    }
}

/// What a simulator sends for one request once its fault, if any, is played.
package enum PlayedAnswer: Sendable {
    /// No answer: the connection is reset.
    case reset
    /// This answer, sent as `Delivery` says.
    case answer(SimulatorResponse, Delivery)

    /// How an answer's body leaves the simulator.
    package enum Delivery: Sendable, Hashable {
        /// Whole, with its Content-Length.
        case whole
        /// Whole, in chunked transfer encoding.
        case chunked
        /// Half of it under the full Content-Length, then the connection is closed.
        case truncated
        /// A chunked body that never ends.
        case endless
        /// `chunkSize` bytes at a time, `interval` between them.
        case slow(chunkSize: Int, interval: Duration)
    }
}
