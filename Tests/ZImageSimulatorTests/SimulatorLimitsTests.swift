import Foundation
import HTTPTypes
import Synchronization
import Testing

@testable import ZImage
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A client that cannot hold the simulator down: slow clients are closed while others are served, the connections held
/// are bounded, the log is bounded, `Expect: 100-continue` is answered.
@Suite("The simulator's limits against slow, idle and numerous clients", .serialized, .timeLimit(.minutes(2)))
struct SimulatorLimitsTests {
    static func start(_ limits: SimulatorLimits) async throws -> SimulatorServer {
        try await SimulatorServer.start(
            backend: DashScopeSimulation(region: .beijing, acceptedKeys: ["sk-test-limits-0001"]),
            limits: limits)
    }

    /// One GET of the models list through the live transport: what a well-behaved client gets meanwhile.
    static func probe(_ server: SimulatorServer) async throws -> Int {
        let url = server.baseURL.appendingPathComponent(DashScopeAPI.modelsPath)
        var request = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:\(server.port)", path: url.path)
        request.headerFields[.authorization] = "Bearer sk-test-limits-0001"
        return try await loopbackTransport().send(request, body: nil).0.status.code
    }

    @Test(
        "a client trickling its headers (slowloris) is closed at the header timeout, and a normal client is served meanwhile"
    )
    func slowloris() async throws {
        // Timeouts with room for a loaded machine: a normal client must be served within them, in CI too.
        try await using(try await Self.start(SimulatorLimits(headerTimeout: .seconds(2)))) { server in
            let slow = try RawClient(port: server.port)
            try slow.send("GET /compatible-mode/v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            #expect(try await Self.probe(server) == 200)
            var sent = 0
            while await slow.awaitIsOpen(waiting: .milliseconds(100)), sent < 100 {
                try? slow.send("X-Slow-\(sent): 1\r\n")
                sent += 1
            }
            #expect(sent < 80, "the slow client was still connected after \(sent) trickles")
        }
    }

    @Test(
        "a kept-alive connection idle past the idle timeout is closed; one that keeps asking, past the header timeout too, is not"
    )
    func idle() async throws {
        // Ten requests take 2.5 s, well past the header timeout; the idle timeout leaves room for a loaded machine.
        let limits = SimulatorLimits(headerTimeout: .seconds(1), idleTimeout: .seconds(3))
        try await using(try await Self.start(limits)) { server in
            let client = try RawClient(port: server.port)
            let request =
                "GET /compatible-mode/v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-test-limits-0001\r\n\r\n"
            for _ in 0..<10 {
                try client.send(request)
                #expect(await client.awaitResponse(waiting: .seconds(2)).hasPrefix("HTTP/1.1 200"))
                try await Task.sleep(for: .milliseconds(250))
            }
            try await Task.sleep(for: .milliseconds(3500))
            #expect(await !client.awaitIsOpen(waiting: .seconds(3)), "the idle connection was kept")
        }
    }

    @Test("at the connection limit a new client evicts the longest-held idle connection and is served at once")
    func connectionLimitEvictsIdle() async throws {
        try await using(try await Self.start(SimulatorLimits(maxConnections: 3))) { server in
            let held = try (0..<3).map { _ in try RawClient(port: server.port) }
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await Self.probe(server) == 200, "idle connections locked a client out")
            #expect(server.evictedConnections >= 1 && server.refusedConnections == 0)
            var open: [Bool] = []
            for client in held { open.append(await client.awaitIsOpen(waiting: .milliseconds(500))) }
            // Exactly one made room (the first the server saw, which need not be the first the client opened).
            #expect(open.filter { !$0 }.count == 1, "\(open), evicted \(server.evictedConnections)")
        }
    }

    @Test(
        "when every connection is in the middle of a request, a new one is refused at once; when they time out, clients are served"
    )
    func connectionLimitRefusesWhenBusy() async throws {
        try await using(try await Self.start(SimulatorLimits(bodyTimeout: .milliseconds(500), maxConnections: 3))) {
            server in
            let busy = try (0..<3).map { _ in try RawClient(port: server.port) }
            for client in busy {  // a body announced and withheld: busy until the body timeout
                try client.send(
                    "POST \(DashScopeAPI.generationPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n")
            }
            try await Task.sleep(for: .milliseconds(100))
            let excess = try RawClient(port: server.port)
            #expect(await !excess.awaitIsOpen(waiting: .seconds(2)), "the connection over the limit was kept")
            #expect(server.refusedConnections >= 1)
            for client in busy {
                #expect(await !client.awaitIsOpen(waiting: .seconds(3)), "a withheld body outlived the body timeout")
            }
            #expect(try await Self.probe(server) == 200)
        }
    }

    @Test("Expect: 100-continue is answered before the body is sent")
    func expectContinue() async throws {
        try await using(try await Self.start(SimulatorLimits())) { server in
            let client = try RawClient(port: server.port)
            let body = DocumentedExamples.requestBody
            try client.send(
                "POST \(DashScopeAPI.generationPath) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer sk-test-limits-0001\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\n\r\n")
            #expect(await client.awaitResponse(waiting: .seconds(1)).hasPrefix("HTTP/1.1 100 Continue"))
            try client.send(body)
            #expect(await client.awaitResponse(waiting: .seconds(5)).hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test("20,000 requests with 2 KiB paths: all are counted, the log keeps the last 1,000")
    func boundedLog() async throws {
        try await using(try await Self.start(SimulatorLimits())) { server in
            let path = "/" + String(repeating: "p", count: 2048)
            // Blocking sockets on threads of their own: on Swift's cooperative pool they would starve the server's tasks.
            let failures = Mutex<[String]>([])
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    DispatchQueue.concurrentPerform(iterations: 8) { worker in
                        guard let client = try? RawClient(port: server.port) else {
                            return failures.withLock { $0.append("worker \(worker) could not connect") }
                        }
                        for index in 0..<2_500 {
                            try? client.send("GET \(path)?w=\(worker)&i=\(index) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                            let answer = client.response(waiting: .seconds(5))
                            guard answer.hasPrefix("HTTP/1.1 404") else {
                                return failures.withLock {
                                    $0.append("request \(index) of worker \(worker): \(answer.prefix(80))")
                                }
                            }
                        }
                    }
                    done.resume()
                }
            }
            #expect(failures.withLock { $0 }.isEmpty)
            #expect(server.requestCount == 20_000)
            #expect(server.requests.count == 1_000)
        }
    }
}
