package import Foundation
package import HTTPTypes
package import ZImageHTTP

/// Plays scripted faults in front of another transport (a cassette's replay, a simulation, the live path): each request
/// a fault applies to gets the fault, as ``SimulationTransport`` plays it (a status, a reset, a cut body, a timeout);
/// every other request goes to `upstream` unchanged, errors included. One good recording thus answers every
/// documented failure: the fault takes the place of the recorded answer, and the retry that follows meets it.
///
/// A fault's path prefix is matched against the API's paths; an image download (any request whose path is not under
/// `/api/` or `/compatible-mode/`, since image hosts vary) is matched as the simulation's results path, so
/// ``DashScopeFault/expiredImageURL`` meets a recorded OSS URL too. A fault that delays or slows an answer, or cuts it,
/// plays on the answer `upstream` gives.
package struct FaultPlayingTransport: Transport {
    /// Where requests without a fault go.
    package let upstream: any Transport
    /// The faults still to play.
    package let script: FaultScript
    private let injected: Int

    /// Plays `faults` in order in front of `upstream`.
    package init(_ faults: [DashScopeFault], upstream: any Transport) {
        self.upstream = upstream
        script = FaultScript()
        for fault in faults { script.inject(fault) }
        injected = faults.reduce(0) { $0 + $1.times }
    }

    /// Whether any fault was played.
    package var playedAny: Bool { script.pending < injected }

    package func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let path = String((request.path ?? "/").prefix { $0 != "?" })
        let isAPI = path.hasPrefix("/api/") || path.hasPrefix("/compatible-mode/")
        guard let fault = script.take(for: isAPI ? path : DashScopeSimulation.resultsRoot + path.dropFirst()) else {
            return try await upstream.send(request, body: body)
        }
        // The answer a delayed, slowed or cut fault plays on is upstream's own (fetched only for those).
        let needsAnswer: Bool
        switch fault {
        case .delayBeforeHeaders, .slowBody, .truncatedBody: needsAnswer = true
        default: needsAnswer = false
        }
        let answer = needsAnswer ? try await upstream.send(request, body: body) : nil
        let played = FaultScript()
        played.inject(fault)
        let simulation = SimulationTransport(backend: Answered(answer: answer), faults: played, maxRedirects: 0)
        return try await simulation.send(request, body: body)
    }

    /// Answers with what upstream answered (for a fault that plays on an answer), else an empty 200 (never read).
    private struct Answered: SimulatorBackend {
        let answer: (HTTPResponse, Data)?

        func respond(to request: SimulatorRequest) async -> SimulatorResponse {
            guard let (head, body) = answer else { return SimulatorResponse(status: 200) }
            var fields = head.headerFields
            fields[.contentLength] = nil
            fields[.transferEncoding] = nil
            return SimulatorResponse(status: head.status.code, headerFields: fields, body: body)
        }
    }
}
