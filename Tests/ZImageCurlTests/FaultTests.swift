import Foundation
import HTTPTypes
import Synchronization
import Testing

@testable import ZImage
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

@Suite(
    "Each simulator fault ends as the right ZImageError, in time, retried only where the policy says",
    .timeLimit(.minutes(1)))
struct FaultTests {
    /// A transport with short timeouts, for the faults that are about timeouts: one that would hang shows up as a
    /// timeout within seconds.
    static let quick = CurlTransport.Configuration(
        connectTimeout: .seconds(5), totalTimeout: .seconds(4), lowSpeedLimit: 1000, lowSpeedTime: .seconds(3))
    /// For every other fault: limits far above what a loaded machine needs (the whole suite runs in parallel on 2 cores,
    /// and a healthy answer may wait seconds for a thread), so only the fault decides the outcome.
    static let patient = CurlTransport.Configuration(connectTimeout: .seconds(20), totalTimeout: .seconds(40))

    /// What a fault must become.
    enum Expected: Sendable, CustomStringConvertible {
        case api(Int, String)
        case transport(TransportError.Kind)
        case undecodable

        var description: String {
            switch self {
            case .api(let status, let code): "api \(status) \(code)"
            case .transport(let kind): "transport \(kind)"
            case .undecodable: "undecodable"
            }
        }
    }

    static let cases: [(SimulatorFault, Expected)] = [
        (.status(500, code: "InternalError"), .api(500, "InternalError")),
        (.status(503, code: "ModelUnavailable"), .api(503, "ModelUnavailable")),
        (.status(429, code: "Throttling.RateQuota", retryAfter: "1"), .api(429, "Throttling.RateQuota")),
        (.delayBeforeHeaders(.seconds(30)), .transport(.timeout)),
        (.slowBody(chunkSize: 8, interval: .seconds(5)), .transport(.timeout)),
        (.truncatedBody, .transport(.connectionReset)),
        (.connectionReset, .transport(.connectionReset)),
        (.invalidJSON, .undecodable),
        (.redirect(to: "http://127.0.0.1:9/x"), .transport(.redirectRefused)),
    ]

    @Test("one fault, no retry", arguments: cases)
    func fault(_ fault: SimulatorFault, expected: Expected) async throws {
        let isTimeout = if case .transport(let kind) = expected { kind == .timeout } else { false }
        try await using(try await SimulatorFixture.start(configuration: isTimeout ? Self.quick : Self.patient)) {
            fixture in
            fixture.server.inject(fault)
            let started = ContinuousClock.now
            let error = try await #require(throws: ZImageError.self) {
                try await fixture.client().generate(try fixture.request())
            }
            // A timeout fault would hold the call 30 s; the 4 s limit ends it (a generous bound: no hang, not a speed claim).
            if isTimeout { #expect(started.duration(to: .now) < .seconds(25)) }
            switch (error.code, expected) {
            case (.apiError, .api(let status, let code)):
                #expect(error.apiFailure?.status == status && error.apiFailure?.code == code)
            case (.transport, .transport(let kind)):
                #expect(error.transportFailure?.kind == kind, "\(error)")
            case (.undecodableResponse, .undecodable):
                break
            default:
                Issue.record("expected \(expected), got \(error)")
            }
            // Not retried. (A timed-out request may not even have been read by a starved server: at most one, then.)
            if isTimeout {
                #expect(fixture.server.requests.count <= 1)
            } else {
                #expect(fixture.server.requests.count == 1)
            }
        }
    }

    @Test("429 with Retry-After then 200 succeeds end to end, waiting what the server asked")
    func retryAfterThenSuccess() async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            fixture.server.inject(.status(429, code: "Throttling", retryAfter: "2"))
            let sleeps = Mutex<[Duration]>([])
            let timekeeper = Timekeeper(now: { .now }, sleep: { duration in sleeps.withLock { $0.append(duration) } })
            let generation = try await fixture.client(retryPolicy: .standard, timekeeper: timekeeper).generateReporting(
                try fixture.request())
            #expect(generation.attempts == 2)
            #expect(sleeps.withLock { $0 } == [.seconds(2)])
            #expect(fixture.server.requests.map(\.status) == [429, 200])
        }
    }

    @Test(
        "a reset connection is retried and succeeds; a timeout is not retried",
        arguments: [
            (SimulatorFault.connectionReset, 2, true), (.delayBeforeHeaders(.seconds(30)), 1, false),
        ])
    func retryByKind(fault: SimulatorFault, requests: Int, succeeds: Bool) async throws {
        try await using(try await SimulatorFixture.start(configuration: succeeds ? Self.patient : Self.quick)) {
            fixture in
            fixture.server.inject(fault)
            let client = fixture.client(retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10)))
            let outcome = await Result(catching: { try await client.generate(try fixture.request()) })
            let succeeded = (try? outcome.get()) != nil
            #expect(succeeded == succeeds)
            #expect(succeeds ? fixture.server.requests.count == requests : fixture.server.requests.count <= requests)
        }
    }

    @Test("500 on every attempt ends with the last answer's code, message and request id")
    func serverErrorEveryAttempt() async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            fixture.server.inject(.status(500, code: "InternalError.Algo", message: "algorithm failed"), times: 3)
            let client = fixture.client(retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10)))
            let error = try await #require(throws: ZImageError.self) {
                try await client.generate(try fixture.request())
            }
            guard let failure = error.apiFailure else {
                Issue.record("expected .api, got \(error)")
                return
            }
            #expect(
                failure.code == "InternalError.Algo" && failure.message == "algorithm failed"
                    && failure.requestID != nil)
            #expect(failure.attempts == 3)
            #expect(fixture.server.requests.count == 3)
        }
    }

    @Test("an expired image URL is OSS's 403, reported as such")
    func expiredImage() async throws {
        try await using(try await SimulatorFixture.start()) { fixture in
            var result = try await fixture.client().generate(try fixture.request())
            result.imageURL = result.imageURL.replacingOccurrences(
                of: #"Expires=\d+"#, with: "Expires=1000", options: .regularExpression)
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let error = try await #require(throws: ZImageError.self) {
                try await fixture.client().downloadImage(result, to: folder.appendingPathComponent("x.png"))
            }
            #expect(error.description.contains("HTTP 403 AccessDenied: Request has expired."))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.png").path))
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}

@Suite("The response cap holds for every response read, redirects included", .timeLimit(.minutes(1)))
struct RedirectBodyCapTests {
    @Test(
        "a redirect whose body never ends is cut at the cap and reported as too large, long before the timeout",
        arguments: [302, 200])
    func endlessBody(status: Int) async throws {
        try await withSimulator(accepting: [TestKeys.curl.value]) { server in
            server.inject(.endlessBody(status: status, location: status == 302 ? "/elsewhere.png" : nil))
            var configuration = CurlTransport.Configuration(connectTimeout: .seconds(5), totalTimeout: .seconds(30))
            configuration.maxResponseBytes = 2 << 20
            let transport = try CurlTransport(configuration: configuration, environment: [:])
            let started = ContinuousClock.now
            let request = HTTPRequest(method: .get, url: server.baseURL.appendingPathComponent("image.png"))
            let error = try await #require(throws: TransportError.self) {
                try await transport.send(request, body: nil)
            }
            #expect(error.kind == .responseTooLarge, "\(error)")
            #expect(error.description.contains("is larger than the 2097152-byte limit"), "\(error)")
            #expect(started.duration(to: .now) < .seconds(20), "cut at the cap, not by the timeout")
        }
    }
}

@Suite("A refused redirect says what it was refused for")
struct RefusedRedirectTests {
    @Test("a redirect to file: says so plainly, and nothing of the file is read")
    func fileRedirect() async throws {
        try await withSimulator(accepting: [TestKeys.curl.value]) { server in
            server.inject(.redirect(to: "file:///etc/passwd"))
            let transport = try CurlTransport(
                configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(20)), environment: [:])
            let request = HTTPRequest(method: .get, url: server.baseURL.appendingPathComponent("image.png"))
            let error = try await #require(throws: TransportError.self) { try await transport.send(request, body: nil) }
            #expect(error.kind == .redirectRefused)
            #expect(
                error.description.contains("redirected to a file: URL, and only http and https redirects are followed"))
            #expect(!error.description.contains("root:"))
        }
    }
}
