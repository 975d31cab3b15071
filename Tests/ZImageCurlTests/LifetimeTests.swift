import Foundation
import HTTPTypes
import Testing

@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageSimulator

/// A transport's libcurl thread ends when it is shut down, waited for without blocking a thread, or when it is
/// released, without waiting; after either, a request fails at once instead of hanging.
@Suite("CurlTransport's lifetime: shut down explicitly and awaited, or released", .timeLimit(.minutes(1)))
struct LifetimeTests {
    func modelsRequest(_ server: SimulatorServer) -> HTTPRequest {
        HTTPRequest(method: .get, url: server.baseURL.appendingPathComponent("/compatible-mode/v1/models"))
    }

    @Test("a request in flight ends with a TransportError when the transport shuts down, and later ones fail at once")
    func shutdownEndsWhatIsInFlight() async throws {
        let server = try await SimulatorServer.start(backend: DashScopeSimulation(acceptedKeys: []))
        server.inject(.delayBeforeHeaders(.seconds(20)))
        let transport = try CurlTransport(environment: [:])
        let request = modelsRequest(server)
        let inFlight = Task { try await transport.send(request, body: nil) }
        while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }

        await transport.shutdown()
        let ended = await #expect(throws: TransportError.self) { _ = try await inFlight.value }
        #expect(
            ended?.message.contains("shut down while the request was in flight") == true, "\(String(describing: ended))"
        )
        let later = await #expect(throws: TransportError.self) { _ = try await transport.send(request, body: nil) }
        #expect(later?.message.contains("shut down before the request was sent") == true)
        await transport.shutdown()  // a second time: returns at once
        await server.shutdown()
    }

    /// The engine threads of this process (Linux names each `zimage.libcurl`; other suites' transports count too).
    static func libcurlThreads() -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter {
            (try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8))?.hasPrefix("zimage.libcurl")
                == true
        }.count
    }

    @Test("released without a shutdown, transports stop their threads, without anyone waiting for them")
    func releasedTransportsStop() async throws {
        let server = try await SimulatorServer.start(backend: DashScopeSimulation(acceptedKeys: []))
        var transports: [CurlTransport] = []
        for _ in 0..<20 {
            let transport = try CurlTransport(environment: [:])
            let (response, _) = try await transport.send(modelsRequest(server), body: nil)
            #expect(response.status == .unauthorized)
            transports.append(transport)
        }
        let withThem = Self.libcurlThreads()
        #expect(withThem >= 20)
        transports.removeAll()
        // Other suites may start and stop transports meanwhile; twenty threads going is what is looked for.
        let deadline = ContinuousClock.now + .seconds(10)
        while Self.libcurlThreads() > withThem - 20, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(Self.libcurlThreads() <= withThem - 20, "the released transports' threads ended")
        await server.shutdown()
    }
}
