import Foundation
import HTTPTypes
import Synchronization
import Testing

@testable import ZImage
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

@Suite("CurlTransport against the in-process simulator on 127.0.0.1", .timeLimit(.minutes(1)))
struct CurlTransportTests {
    @Test("generate, then download a PNG of the requested size into a temporary folder")
    func generateAndDownload() async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }

            let client = fixture.client()
            let result = try await client.generate(try fixture.request(size: "1248*832", seed: 42))
            #expect(result.width == 1248 && result.height == 832)
            #expect(result.prompt == "A calm lake at dawn")
            #expect(!result.requestID.isEmpty)
            let image = try await client.downloadImage(result, to: folder.appendingPathComponent("lake.png"))
            let header = try PNGImage(verifying: try Data(contentsOf: image.path))
            #expect(header.width == 1248 && header.height == 832)
            #expect(image.sha256 == SHA256.hexDigest(of: try Data(contentsOf: image.path)))

            let log = fixture.server.requests
            #expect(log.map(\.method) == ["POST", "GET"])
            #expect(log[0].hadAuthorization && !log[1].hadAuthorization)
            #expect(log.allSatisfy { $0.userAgent == "zimage/\(ZImageVersion.current) libcurl/\(LibCurl.version)" })
        }
    }

    @Test("prompt_extend brings back a rewritten prompt and reasoning")
    func promptExtend() async throws {
        try await using(try await SimulatorFixture.start(region: .singapore)) { fixture in
            let result = try await fixture.client().generate(try fixture.request("a lake", promptExtend: true))
            #expect(result.rewrittenPrompt?.hasPrefix("a lake, ") == true)
            #expect(result.reasoning?.isEmpty == false)
        }
    }

    @Test("a key the simulator does not know is a 401 that names the region rule")
    func unknownKey() async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            let error = try await #require(throws: ZImageError.self) {
                try await fixture.client(key: APIKey("sk-test-unknown-000000")).generate(try fixture.request())
            }
            guard let failure = error.apiFailure else {
                Issue.record("expected .api, got \(error)")
                return
            }
            #expect(failure.status == 401 && failure.code == "InvalidApiKey")
            #expect(error.description.contains("issued per region"))
        }
    }

    @Test("10 sequential calls open one connection")
    func connectionReuse() async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            let client = fixture.client()
            for index in 0..<10 {
                _ = try await client.generate(try fixture.request("lake \(index)"))
            }
            #expect(fixture.server.requests.count == 10)
            #expect(fixture.server.acceptedConnections == 1)
        }
    }

    @Test("32 concurrent calls each get their own answer")
    func concurrentCalls() async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            let client = fixture.client()
            let results = try await withThrowingTaskGroup(of: (Int, ImageResult).self) { group in
                for index in 0..<32 {
                    let request = try fixture.request("lake number \(index)", seed: index)
                    group.addTask { (index, try await client.generate(request)) }
                }
                return try await group.reduce(into: [Int: ImageResult]()) { $0[$1.0] = $1.1 }
            }
            #expect(results.count == 32)
            for (index, result) in results {
                #expect(result.prompt == "lake number \(index)")
            }
            #expect(Set(results.values.map(\.imageURL)).count == 32)
            #expect(Set(results.values.map(\.requestID)).count == 32)
            #expect(fixture.server.requests.count == 32)
        }
    }

    @Test("exchange reports libcurl's timings and whether a connection was opened")
    func metrics() async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            let url = fixture.server.baseURL.appendingPathComponent(DashScopeAPI.modelsPath)
            var request = HTTPRequest(method: .get, url: url)
            request.headerFields[.authorization] = simulatorKey.bearer
            let first = try await fixture.transport.exchange(request, body: nil)
            let second = try await fixture.transport.exchange(request, body: nil)
            #expect(first.response.status == .ok)
            #expect(first.metrics.connectionsOpened == 1 && second.metrics.connectionsOpened == 0)
            #expect(first.metrics.total > .zero && first.metrics.firstByte <= first.metrics.total)
            #expect(first.metrics.httpVersion == "1.1")
        }
    }

    @Test(
        "a response larger than the cap is an error, not a crash or an unbounded allocation (length known or not)",
        arguments: [false, true])
    func responseCap(chunked: Bool) async throws {
        try await using(
            try await SimulatorFixture.start(
                configuration: .init(totalTimeout: .seconds(10), maxResponseBytes: 64 * 1024))
        ) { fixture in
            fixture.server.inject(
                .raw(
                    status: 200, contentType: "application/json", body: Data(repeating: 0x20, count: 4 << 20),
                    chunked: chunked))
            let error = try await #require(throws: ZImageError.self) {
                try await fixture.client().generate(try fixture.request())
            }
            guard let failure = error.transportFailure else {
                Issue.record("expected .transport, got \(error)")
                return
            }
            #expect(failure.kind == .responseTooLarge)
            #expect(failure.description.contains("65536-byte limit"))
        }
    }

    @Test("a closed port fails fast as connection refused")
    func connectionRefused() async throws {
        let port = closedPort()
        let transport = try CurlTransport(environment: [:])
        let client = ZImageClient(transport: transport, apiKey: simulatorKey, retryPolicy: .never)
        let request = try ImageRequest(prompt: "p", size: nil, seed: nil, baseURL: "http://127.0.0.1:\(port)/api/v1/x")
        let error = try await #require(throws: ZImageError.self) { try await client.generate(request) }
        guard let failure = error.transportFailure else {
            Issue.record("expected .transport, got \(error)")
            return
        }
        #expect(failure.kind == .connectionRefused)
        #expect(failure.description.contains("refused"))
        #expect(failure.detail?.hasPrefix("libcurl error 7:") == true)
    }

    @Test("a dead proxy in http_proxy and HTTPS_PROXY does not affect loopback calls")
    func deadProxyBypassedForLoopback() async throws {
        let dead = "http://127.0.0.1:\(closedPort())"
        try await using(
            try await SimulatorFixture.start(environment: ["http_proxy": dead, "HTTPS_PROXY": dead, "ALL_PROXY": dead])
        ) { fixture in
            let result = try await fixture.client().generate(try fixture.request())
            #expect(!result.imageURL.isEmpty)
        }
    }

    @Test("a proxy from the environment is used for other hosts (here a loopback simulator plays the proxy)")
    func proxyUsedForOtherHosts() async throws {
        try await using(try await SimulatorServer.start(backend: DashScopeSimulation(acceptedKeys: []))) { proxy in
            let transport = try CurlTransport(environment: ["http_proxy": proxy.baseURL.absoluteString])
            let request = HTTPRequest(
                method: .get, url: try #require(URL(string: "http://models.example.invalid/v1/models")))
            let (response, _) = try await transport.send(request, body: nil)
            #expect(response.status == .notFound)  // the simulator, asked as a proxy, knows no such path
            #expect(proxy.requests.first?.target == "http://models.example.invalid/v1/models")
        }
    }

    @Test("a GET follows an http redirect; a POST that is redirected is refused, naming the new location")
    func redirects() async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            let target = fixture.server.baseURL.absoluteString + DashScopeAPI.modelsPath
            fixture.server.inject(.redirect(to: target), path: "/old-models")
            var get = HTTPRequest(method: .get, url: fixture.server.baseURL.appendingPathComponent("old-models"))
            get.headerFields[.authorization] = simulatorKey.bearer
            let (response, body) = try await fixture.transport.send(get, body: nil)
            #expect(response.status == .ok)
            #expect(String(decoding: body, as: UTF8.self).contains("z-image-turbo"))

            fixture.server.inject(.redirect(to: "http://127.0.0.1:1/elsewhere"), path: DashScopeAPI.generationPath)
            let error = try await #require(throws: ZImageError.self) {
                try await fixture.client().generate(try fixture.request())
            }
            guard let failure = error.transportFailure else {
                Issue.record("expected .transport, got \(error)")
                return
            }
            #expect(failure.kind == .redirectRefused)
            #expect(failure.message.contains("http://127.0.0.1:1/elsewhere"))
        }
    }

    @Test("cancelling the task that awaits a slow response returns promptly with CancellationError")
    func cancellation() async throws {
        try await using(try await SimulatorFixture.start(configuration: .init(totalTimeout: .seconds(60)))) { fixture in
            fixture.server.inject(.delayBeforeHeaders(.seconds(60)))
            let client = fixture.client()
            let request = try fixture.request()
            let task = Task { try await client.generate(request) }
            while fixture.server.acceptedConnections == 0 { try await Task.sleep(for: .milliseconds(10)) }
            try await Task.sleep(for: .milliseconds(100))
            let cancelled = ContinuousClock.now
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            let latency = cancelled.duration(to: .now)
            print("cancellation latency: \(latency)")
            // Long before the 60 s timeout and the 60 s server delay: the call did not wait for either.
            #expect(latency < .seconds(10))
        }
    }
}
