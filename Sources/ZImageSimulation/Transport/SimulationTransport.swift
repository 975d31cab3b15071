package import Foundation
package import HTTPTypes
package import ZImage
import ZImageHTTP

/// A simulator without a socket: every request is handed to a backend in this process, with the scripted faults played
/// first, and answered as the live transport would report the same answer from a server. No port, no event loop and
/// no NIO, so a test suite that only needs the simulation does not build a server.
///
/// What the live transport would do with each fault, this one does: a reset or a truncated body is a
/// `TransportError` of kind `connectionReset`, an endless body one of kind `responseTooLarge`, a delay longer than
/// ``timeout`` one of kind `timeout` (after waiting the timeout out); a GET's redirect is followed as libcurl follows it
/// (at most ``maxRedirects``, http and https only, never from https to http, credentials dropped for another host),
/// and any other method's is refused.
///
/// Requests to any origin are answered; the answers point back at ``origin`` (image URLs), a name that resolves nowhere
/// (`.invalid`), so a recording made through it moves its URLs onto the region's hosts with
/// `DashScopeSimulation.originRewrite(from:region:)` as it would from a server's origin.
package struct SimulationTransport: Transport {
    /// The origin the simulation's answers point back at, never connected to.
    package static let defaultOrigin = URL(string: "http://simulator.zimage.invalid")!  // a literal that parses

    /// What answers each request.
    package let backend: any SimulatorBackend
    /// The faults played before the backend answers.
    package let faults: FaultScript
    /// The origin the answers point back at.
    package let origin: URL
    /// How long a request may take, as the live transport's total timeout; `nil` for no limit.
    package var timeout: Duration?
    /// The largest response body, as the live transport's cap.
    package var maxResponseBytes: Int
    /// The most redirects a GET follows.
    package var maxRedirects: Int

    /// A transport answering with `backend`, playing `faults` first.
    package init(
        backend: any SimulatorBackend, faults: FaultScript = FaultScript(), origin: URL = Self.defaultOrigin,
        timeout: Duration? = nil, maxResponseBytes: Int = 64 << 20, maxRedirects: Int = 5
    ) {
        self.backend = backend
        self.faults = faults
        self.origin = origin
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.maxRedirects = maxRedirects
    }

    /// A transport answering as DashScope's simulation of `region`, accepting `key`, playing `scripted` first: what the
    /// test harness and the scenario recorder use.
    package init(simulating region: Region, acceptingKey key: APIKey, playing scripted: [DashScopeFault] = []) {
        let faults = FaultScript()
        for fault in scripted { faults.inject(fault) }
        self.init(backend: DashScopeSimulation(region: region, acceptedKeys: [key.value]), faults: faults)
    }

    package func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let started = ContinuousClock.now
        var current = request
        var redirects = 0
        while true {
            let (response, data) = try await answer(current, body: body, started: started)
            guard (300..<400).contains(response.status.code), let location = response.headerFields[.location] else {
                return (response, data)
            }
            let url = current.url?.absoluteString ?? ""
            let target = TransportError.target(of: url)
            guard current.method == .get else {
                throw TransportError.redirectNotFollowed(
                    method: current.method.rawValue, url: url, status: response.status.code, location: location)
            }
            guard redirects < maxRedirects else { throw TransportError.tooManyRedirects(target, detail: simulated) }
            guard let base = current.url, let next = URL(string: location, relativeTo: base)?.absoluteURL else {
                throw TransportError(
                    .redirectRefused, "\(target) redirected to \(location), which is not a URL", detail: simulated)
            }
            let scheme = next.scheme?.lowercased() ?? "another"
            guard scheme == "https" || (scheme == "http" && current.scheme?.lowercased() != "https") else {
                throw TransportError.redirectRefused(target, toScheme: scheme, detail: simulated)
            }
            var moved = HTTPRequest(method: .get, url: next)
            moved.headerFields = current.headerFields
            if next.host?.lowercased() != base.host?.lowercased() || next.port != base.port {
                // libcurl sends a caller's credentials to the host they were given for only.
                moved.headerFields[.authorization] = nil
                moved.headerFields[.cookie] = nil
            }
            current = moved
            redirects += 1
        }
    }

    /// The detail of every error this transport makes, where libcurl's would name its own code.
    private let simulated = "simulated"

    /// One request's answer, without following a redirect; `started` is when the first request began (the timeout
    /// counts from there, as libcurl's does across redirects).
    private func answer(
        _ request: HTTPRequest, body: Data?, started: ContinuousClock.Instant
    ) async throws
        -> (HTTPResponse, Data)
    {
        try Task.checkCancellation()
        let target = TransportError.target(of: request.url?.absoluteString ?? "")
        guard let full = request.path else { throw TransportError(.invalidRequest, "the request has no path") }
        let path = String(full.prefix { $0 != "?" })
        let query = full.firstIndex(of: "?").map { String(full[full.index(after: $0)...]) }
        var fields = request.headerFields
        // The Host header a server gets (HTTPTypes keeps it as the authority, outside the fields).
        if let authority = request.authority, let host = HTTPField.Name("Host") { fields[host] = authority }
        let simulatedRequest = SimulatorRequest(
            method: request.method, path: path, query: query, headerFields: fields, body: body ?? Data(),
            serverBaseURL: origin)
        /// Waits `duration`, or until the timeout passes (then the request has timed out).
        func wait(_ duration: Duration) async throws {
            guard let timeout else { return try await Task.sleep(for: duration) }
            let left = timeout - (ContinuousClock.now - started)
            guard duration <= left else {
                try await Task.sleep(for: max(.zero, left))
                throw TransportError.timedOut(target, detail: simulated)
            }
            try await Task.sleep(for: duration)
        }
        let played = try await faults.play(
            faults.take(for: path), answering: simulatedRequest, backend: backend, sleep: wait)
        guard case .answer(let answer, let delivery) = played, delivery != .truncated else {
            throw TransportError.connectionClosed(target, detail: simulated)
        }
        guard delivery != .endless, answer.body.count <= maxResponseBytes else {
            throw TransportError.tooLarge(target, limit: maxResponseBytes, detail: simulated)
        }
        var headers = answer.headerFields
        if case .slow(let chunkSize, let interval) = delivery {
            try await wait(interval * max(0, (answer.body.count + chunkSize - 1) / chunkSize - 1))
        }
        if delivery == .chunked {
            headers[.transferEncoding] = "chunked"
        } else {
            headers[.contentLength] = String(answer.body.count)
        }
        return (HTTPResponse(status: .init(code: answer.status), headerFields: headers), answer.body)
    }
}
