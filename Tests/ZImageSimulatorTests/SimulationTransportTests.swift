import Foundation
import HTTPTypes
import Testing

@testable import ZImage
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageSimulation
@testable import ZImageSimulator

/// The in-process simulation is only worth having if a test cannot tell it from the server: every fault is played
/// both ways, the server's through the live transport, and the outcomes must be the same.
@Suite("The in-process simulation answers every fault as the loopback server does through the live transport")
struct SimulationTransportTests {
    static let key = "sk-test-parity-3c9e1f"
    static let cap = 256 << 10

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var fault: SimulatorFault?
        var times = 1
        var method: HTTPRequest.Method = .post
        /// Generous but for the timeout's own case: the whole suite runs at once on two cores.
        var timeout: Duration = .seconds(30)
        var testDescription: String { name }
    }

    /// What a request came to, with the origin taken out of bodies (the simulator's image URLs point back at it).
    enum Outcome: Equatable, CustomStringConvertible {
        case answer(status: Int, contentType: String?, retryAfter: String?, source: String?, body: String)
        case failure(TransportError.Kind)

        var description: String {
            switch self {
            case .answer(let status, let type, let retryAfter, let source, let body):
                "HTTP \(status) \(type ?? "-") retry-after \(retryAfter ?? "-") source \(source ?? "-") \(body.prefix(80))"
            case .failure(let kind): "failure \(kind)"
            }
        }
    }

    static let cases: [Case] = [
        Case(name: "no fault: the simulation's own answer"),
        Case(name: "a 429 with Retry-After", fault: .status(429, code: "Throttling.RateQuota", retryAfter: "3")),
        Case(name: "a 200 whose JSON is cut off", fault: .invalidJSON),
        Case(name: "a reset before any answer", fault: .connectionReset),
        Case(name: "half the body, then the connection closes", fault: .truncatedBody),
        Case(name: "a body that never ends, past the cap", fault: .endlessBody(status: 200)),
        Case(name: "headers later than the timeout", fault: .delayBeforeHeaders(.seconds(5)), timeout: .seconds(1)),
        Case(name: "a slow body within the timeout", fault: .slowBody(chunkSize: 128, interval: .milliseconds(5))),
        Case(
            name: "a chunked 502 from a gateway",
            fault: .raw(status: 502, contentType: "text/html", body: Data("<h1>bad gateway</h1>".utf8), chunked: true)),
        Case(name: "a POST redirected", fault: .redirect(to: DashScopeAPI.modelsPath)),
        Case(name: "a GET redirected on the same host", fault: .redirect(to: DashScopeAPI.modelsPath), method: .get),
        Case(name: "a GET redirected to file:", fault: .redirect(to: "file:///etc/passwd"), method: .get),
        Case(
            name: "a GET redirected more than five times", fault: .redirect(to: DashScopeAPI.modelsPath), times: 10,
            method: .get),
    ]

    func request(_ method: HTTPRequest.Method, origin: URL) -> (HTTPRequest, Data?) {
        let path = method == .get ? DashScopeAPI.modelsPath : DashScopeAPI.generationPath
        var request = HTTPRequest(method: method, url: origin.appendingPathComponent(path))
        request.headerFields[.authorization] = "Bearer \(Self.key)"
        guard method == .post else { return (request, nil) }
        request.headerFields[.contentType] = "application/json"
        return (request, Data(DocumentedExamples.requestBody.utf8))
    }

    func outcome(of transport: any Transport, _ request: HTTPRequest, body: Data?, origin: URL) async -> Outcome {
        do {
            let (response, data) = try await transport.send(request, body: body)
            // The origin, and the image URL's expiry and signature: they follow the clock's second.
            let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: origin.absoluteString, with: "")
                .replacing(/Expires=[0-9]+/, with: "Expires=_").replacing(/Signature=[^"&]+/, with: "Signature=_")
            return .answer(
                status: response.status.code, contentType: response.headerFields[.contentType],
                retryAfter: response.headerFields[.retryAfter],
                source: response.headerFields[HTTPField.Name("X-Cassette-Source")!], body: text)
        } catch let error as TransportError {
            return .failure(error.kind)
        } catch {
            return .failure(.other)
        }
    }

    @Test(arguments: cases)
    func parity(_ scenario: Case) async throws {
        // Two simulations: each counts the requests it answers into its request ids.
        let server = try await SimulatorServer.start(
            simulating: DashScopeSimulation(region: .beijing, acceptedKeys: [Self.key]))
        let live = try CurlTransport(
            configuration: .init(totalTimeout: scenario.timeout, maxResponseBytes: Self.cap), environment: [:])
        let script = FaultScript()
        if let fault = scenario.fault {
            server.inject(fault, times: scenario.times)
            script.inject(fault, times: scenario.times)
        }
        let inProcess = SimulationTransport(
            backend: DashScopeSimulation(region: .beijing, acceptedKeys: [Self.key]), faults: script,
            timeout: scenario.timeout, maxResponseBytes: Self.cap)

        let (serverRequest, body) = request(scenario.method, origin: server.baseURL)
        let served = await outcome(of: live, serverRequest, body: body, origin: server.baseURL)
        let leftOnServer = server.pendingFaults
        await server.shutdown()
        let (localRequest, _) = request(scenario.method, origin: inProcess.origin)
        let played = await outcome(of: inProcess, localRequest, body: body, origin: inProcess.origin)

        #expect(played == served, "in process: \(played)\nserver: \(served)")
        // (A request that timed out may or may not have reached the server by then.)
        if served != .failure(.timeout) {
            #expect(script.pending == leftOnServer, "as many requests were made as to the server")
        }
    }

    @Test("a redirect to another host drops the caller's credentials, as libcurl does")
    func redirectDropsCredentials() async throws {
        struct Echo: SimulatorBackend {
            func respond(to request: SimulatorRequest) async -> SimulatorResponse {
                SimulatorResponse(status: 200, body: Data((request.headerFields[.authorization] ?? "none").utf8))
            }
        }
        let script = FaultScript()
        script.inject(.redirect(to: "http://elsewhere.invalid/next"), times: 1)
        let transport = SimulationTransport(backend: Echo(), faults: script)
        var request = HTTPRequest(method: .get, url: URL(string: "http://origin.invalid/first")!)
        request.headerFields[.authorization] = "Bearer \(Self.key)"
        let (_, other) = try await transport.send(request, body: nil)
        #expect(String(decoding: other, as: UTF8.self) == "none")
        script.inject(.redirect(to: "/same-host"), times: 1)
        let (_, same) = try await transport.send(request, body: nil)
        #expect(String(decoding: same, as: UTF8.self) == "Bearer \(Self.key)")
    }
}
