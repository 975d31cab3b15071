import Foundation
import HTTPTypes
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageContract
@testable import ZImageContractSuite
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageRehearsal
@testable import ZImageSimulator
@testable import ZImageTestSupport

/// The scenario recorder commits only a whole recording: on every failure path the committed cassettes stay byte for
/// byte, and the error names the file kept and why.
@Suite("Scenario recordings that fail keep the committed cassettes", .timeLimit(.minutes(1)))
struct KeptRecordingTests {
    static let key = APIKey("sk-test-kept-recording-0001")
    static let basic = ScenarioCatalog.all.first { $0.scenario.name == "basic-generation" }

    /// Records basic-generation into a copy of the committed cassettes with `upstream`, expects it kept, and returns
    /// the error's text.
    func expectKept(
        target: (URL) -> ScenarioRecorder.Target, upstream: @escaping @Sendable () throws -> any Transport
    ) async throws -> String {
        try await withTemporaryDirectory("kept") { folder in
            let cassettes = try copyOfCommittedCassettes(in: folder)
            let before = try snapshot(of: cassettes)
            let recipe = try #require(Self.basic)
            let recorder = ScenarioRecorder(makeUpstream: upstream, environment: [:])
            let beijing = cassettes.appendingPathComponent("beijing")
            let error = try await #require(throws: CassetteError.self) {
                _ = try await recorder.record(recipe, region: .beijing, into: beijing, target: target(beijing))
            }
            #expect(error.code == .recordingKept)
            #expect(error.description.hasPrefix("kept \(beijing.path)/basic-generation.json: "))
            #expect(error.description.hasSuffix("; nothing was written"))
            #expect(try snapshot(of: cassettes) == before, "a committed cassette changed")
            return error.description
        }
    }

    @Test("an origin nothing listens on: kept, because the recording failed to connect")
    func unreachable() async throws {
        let text = try await expectKept(
            target: { _ in .against(URL(string: "http://127.0.0.1:1")!, Self.key) },
            upstream: { try loopbackTransport() })
        #expect(text.contains("the recording failed ("), "\(text)")
        #expect(text.lowercased().contains("connect"), "\(text)")
    }

    @Test(
        "a live recording whose transport fails (DNS, TLS, a reset, a timeout) is kept, saying which failure",
        arguments: [
            TransportError(.dnsFailure, "could not resolve host dashscope.aliyuncs.com"),
            TransportError(.tls, "the TLS handshake with dashscope.aliyuncs.com failed"),
            TransportError(.connectionReset, "the connection was reset"),
            TransportError(.timeout, "no answer within 300 s"),
        ])
    func liveTransportFailures(_ failure: TransportError) async throws {
        let text = try await expectKept(
            target: { _ in .live(Self.key) }, upstream: { ClosureTransport { _, _ in throw failure } })
        #expect(text.contains("the recording failed (\(failure.description))"), "\(text)")
    }

    @Test("a live recording whose TLS certificate is not trusted (the real hostnames, routed to loopback) is kept")
    func untrustedCertificate() async throws {
        try await withRehearsal(accepting: [Self.key.value]) { rehearsal, _ in
            let routes = try rehearsal.routes.map(ConnectRoute.init(parsing:))
            let text = try await expectKept(
                target: { _ in .live(Self.key) },
                upstream: {
                    var configuration = CurlTransport.Configuration(
                        connectTimeout: .seconds(5), totalTimeout: .seconds(20))
                    configuration.connectTo = routes
                    return try CurlTransport(configuration: configuration, environment: [:])
                })
            #expect(text.contains("the recording failed ("), "\(text)")
        }
    }

    @Test("an unexpected 5xx: every exchange is an HTTP answer, but the recording does not show the scenario, so kept")
    func unexpectedServerError() async throws {
        try await withSimulator(accepting: [Self.key.value]) { server in
            for _ in 0..<4 { server.inject(.status(500, code: "InternalError", message: "simulated outage")) }
            let text = try await expectKept(
                target: { _ in .against(server.baseURL, Self.key) }, upstream: { try loopbackTransport() })
            #expect(text.contains("replayed, it does not show the scenario"), "\(text)")
            #expect(text.contains("HTTP 500"), "\(text)")
        }
    }

    @Test("a recording cancelled halfway is kept")
    func cancelled() async throws {
        try await withTemporaryDirectory("kept") { folder in
            let cassettes = try copyOfCommittedCassettes(in: folder)
            let before = try snapshot(of: cassettes)
            let recipe = try #require(Self.basic)
            try await withSimulator(accepting: [Self.key.value]) { server in
                server.inject(.delayBeforeHeaders(.seconds(30)))
                let recorder = ScenarioRecorder(makeUpstream: { try loopbackTransport() }, environment: [:])
                let beijing = cassettes.appendingPathComponent("beijing")
                let task = Task {
                    try await recorder.record(
                        recipe, region: .beijing, into: beijing, target: .against(server.baseURL, Self.key))
                }
                while server.acceptedConnections == 0 { try await Task.sleep(for: .milliseconds(20)) }
                task.cancel()
                let error = try await #require(throws: CassetteError.self) { try await task.value }
                #expect(error.code == .recordingKept, "\(error)")
            }
            #expect(try snapshot(of: cassettes) == before, "a committed cassette changed")
        }
    }

    @Test("a whole recording is still written: the same exchanges leave the file byte for byte")
    func wholeRecordingWrites() async throws {
        try await withTemporaryDirectory("kept") { folder in
            let cassettes = try copyOfCommittedCassettes(in: folder)
            let recipe = try #require(Self.basic)
            let recorder = ScenarioRecorder(makeUpstream: { try loopbackTransport() }, environment: [:])
            let beijing = cassettes.appendingPathComponent("beijing")
            let outcome = try await recorder.record(recipe, region: .beijing, into: beijing, target: .simulator)
            #expect(outcome.status == .unchanged || outcome.status == .written)
            #expect(await ScenarioRunner.run(outcome.file).passed)
        }
    }

    @Test("CI=true refuses a scenario recording unless ZIMAGE_ALLOW_RECORDING=1; allowed, it records")
    func refusedInCI() async throws {
        try await withTemporaryDirectory("kept") { folder in
            let cassettes = try copyOfCommittedCassettes(in: folder)
            let before = try snapshot(of: cassettes)
            let recipe = try #require(Self.basic)
            let beijing = cassettes.appendingPathComponent("beijing")
            let refusing = ScenarioRecorder(makeUpstream: { try loopbackTransport() }, environment: ["CI": "true"])
            let error = try await #require(throws: CassetteError.self) {
                _ = try await refusing.record(recipe, region: .beijing, into: beijing, target: .simulator)
            }
            #expect(error.code == .recordingRefused)
            #expect(error.description.contains("ZIMAGE_ALLOW_RECORDING=1"), "\(error)")
            #expect(try snapshot(of: cassettes) == before, "a committed cassette changed")
            let allowed = ScenarioRecorder(
                makeUpstream: { try loopbackTransport() }, environment: ["CI": "true", "ZIMAGE_ALLOW_RECORDING": "1"])
            let outcome = try await allowed.record(recipe, region: .beijing, into: beijing, target: .simulator)
            #expect(outcome.status == .unchanged || outcome.status == .written)
        }
    }
}

@Suite("An empty cassette proves nothing")
struct EmptyCassetteTests {
    @Test("validate's contract check fails a cassette with no interactions, saying so")
    func validateFailsIt() async throws {
        try await withTemporaryDirectory("empty") { folder in
            let cassettes = try copyOfCommittedCassettes(in: folder)
            let file = cassettes.appendingPathComponent("beijing/basic-generation.json")
            var cassette = try CassetteFile.load(file, rules: .dashScope)
            cassette.interactions = []
            try CassetteFile.write(cassette, to: file)
            let report = await ScenarioRunner.run(file)
            #expect(!report.passed)
            #expect(
                report.problems.contains { $0.problem.contains("has no interactions, so replaying it proves nothing") })
            let inMemory = await ScenarioRunner.run(cassette, file: file.path)
            #expect(!inMemory.passed && inMemory.problems.contains { $0.problem.contains("no interactions") })
        }
    }
}
