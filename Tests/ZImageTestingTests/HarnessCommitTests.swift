import Foundation
import HTTPTypes
import Synchronization
import Testing
import ZImageSimulator

@testable import ZImageCurl
@testable import ZImageRehearsal
@testable import ZImageTestSupport
@testable import ZImageTesting

/// A user's suite re-recorded when recording cannot succeed keeps every cassette it has, shared, per-case and plain
/// alike; update keeps every exchange any case used.
@Suite("The harness commits only whole recordings", .timeLimit(.minutes(1)))
struct HarnessCommitTests {
    static let key = "sk-test-harness-commit-0001"
    static let names = ["shared", "PosterTests/aspectRatio/0.5", "plain"]

    /// The three kinds of cassette a suite has, recorded against an in-process simulator.
    func recordSuite(in folder: URL) async throws {
        for name in Self.names {
            try await withCassette(name, mode: .all, recordAgainst: .simulator, in: folder, environment: [:]) {
                client in
                _ = try await client.generate(ImageRequest(prompt: "A poster for \(name)", seed: 1))
            }
        }
    }

    /// Re-records every cassette of the suite with `environment`, running `body` for each, and expects each to fail
    /// the test with the cassette kept, saying `why`.
    func expectSuiteKept(
        environment: [String: String], recordAgainst: RecordTarget = .dashScope, simulate: [DashScopeFault] = [],
        why: String,
        _ body: @escaping @Sendable (ZImageClient, String) async throws -> Void = { client, name in
            _ = try await client.generate(ImageRequest(prompt: "A poster for \(name)", seed: 1))
        }
    ) async throws {
        try await withTemporaryDirectory("harness-commit") { folder in
            try await recordSuite(in: folder)
            let before = try snapshot(of: folder)
            for name in Self.names {
                try await withKnownIssue {
                    try await withCassette(
                        name, mode: .all, recordAgainst: recordAgainst, simulate: simulate, in: folder,
                        environment: environment
                    ) { client in try await body(client, name) }
                } matching: { issue in
                    // The body's own error, or the harness's word on the cassette: both must be there (below).
                    true
                }
            }
            #expect(try snapshot(of: folder) == before, "a cassette of the suite changed")
            // The report names the file kept and why.
            let reports = Mutex<[String]>([])
            try await withKnownIssue {
                try await withCassette(
                    "plain", mode: .all, recordAgainst: recordAgainst, simulate: simulate, in: folder,
                    environment: environment
                ) { client in try await body(client, "plain") }
            } matching: { issue in
                reports.withLock { $0.append(String(describing: issue)) }
                return true
            }
            let kept = reports.withLock { $0 }.first { $0.contains("kept \(folder.path)/plain.json") }
            #expect(kept?.contains(why) == true, "\(reports.withLock { $0 })")
            #expect(kept?.contains("nothing was written") == true)
        }
    }

    @Test("all mode with the origin unreachable: every cassette is kept, and each test fails saying so")
    func unreachable() async throws {
        try await expectSuiteKept(
            environment: ["DASHSCOPE_API_KEY": Self.key, "DASHSCOPE_BASE_URL": "http://127.0.0.1:1"],
            why: "the recording failed (")
    }

    @Test("all mode against a TLS origin whose certificate is not trusted: every cassette is kept")
    func untrustedCertificate() async throws {
        try await withRehearsal(accepting: [Self.key]) { rehearsal, _ in
            let route = try #require(rehearsal.routes.first?.split(separator: ":").last)
            try await expectSuiteKept(
                environment: ["DASHSCOPE_API_KEY": Self.key, "DASHSCOPE_BASE_URL": "https://127.0.0.1:\(route)"],
                why: "the recording failed (")
        }
    }

    @Test("an unexpected 5xx that outlasts the retries: the test fails, and every cassette is kept")
    func serverError() async throws {
        try await expectSuiteKept(
            environment: [:], recordAgainst: .simulator, simulate: [.serverError(times: 4)],
            why: "the work that drove the recording failed (")
    }

    @Test("a test whose own code throws after a good exchange keeps its old cassette")
    func thrownBody() async throws {
        struct TestCodeFailed: Error {}
        try await expectSuiteKept(
            environment: [:], recordAgainst: .simulator, why: "the work that drove the recording failed ("
        ) { client, name in
            _ = try await client.generate(ImageRequest(prompt: "A poster for \(name)", seed: 2))
            throw TestCodeFailed()
        }
    }

    @Test("a test cancelled mid-recording keeps its old cassette")
    func cancelled() async throws {
        try await withTemporaryDirectory("harness-commit") { folder in
            try await recordSuite(in: folder)
            let before = try snapshot(of: folder)
            try await withSimulator(accepting: [Self.key]) { server in
                server.inject(.delayBeforeHeaders(.seconds(30)))
                let environment = ["DASHSCOPE_API_KEY": Self.key, "DASHSCOPE_BASE_URL": server.baseURL.absoluteString]
                let task = Task {
                    try await withKnownIssue {
                        try await withCassette("plain", mode: .all, in: folder, environment: environment) { client in
                            _ = try await client.generate(ImageRequest(prompt: "A poster for plain", seed: 1))
                        }
                    } matching: { _ in
                        true
                    }
                }
                while server.acceptedConnections == 0 { try await Task.sleep(for: .milliseconds(20)) }
                task.cancel()
                _ = await task.result
            }
            #expect(try snapshot(of: folder) == before)
        }
    }

    @Test(
        "update on a shared cassette, its cases one after another and at once: every case's exchanges are kept",
        arguments: [false, true])
    func updateShared(concurrently: Bool) async throws {
        try await withTemporaryDirectory("harness-commit") { folder in
            let prompts = ["A square poster", "A wide poster", "A tall poster"]
            for prompt in prompts {
                try await withCassette(
                    "cases", mode: .newEpisodes, allowUnused: true, recordAgainst: .simulator, in: folder,
                    environment: [:]
                ) { client in _ = try await client.generate(ImageRequest(prompt: prompt, seed: 5)) }
            }
            let update: @Sendable (String) async throws -> Void = { prompt in
                try await withCassette(
                    "cases", mode: .update, allowUnused: true, recordAgainst: .simulator, in: folder,
                    environment: [:]
                ) { client in _ = try await client.generate(ImageRequest(prompt: prompt, seed: 5)) }
            }
            if concurrently {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for prompt in prompts { group.addTask { try await update(prompt) } }
                    try await group.waitForAll()
                }
            } else {
                for prompt in prompts { try await update(prompt) }
            }
            // The next replay passes every case.
            let kept = try CassetteFile.load(folder.appendingPathComponent("cases.json")).interactions
            #expect(kept.count == 3, "\(kept.map { String(decoding: $0.request.body ?? Data(), as: UTF8.self) })")
            for prompt in prompts {
                let width = try await withCassette("cases", allowUnused: true, in: folder, environment: [:]) {
                    try await $0.generate(ImageRequest(prompt: prompt, seed: 5)).width
                }
                #expect(width == 1024)
            }
        }
    }

    @Test("a header matcher survives a real recording: the field is recorded, and the replay matches on it")
    func headerMatcher() async throws {
        try await withTemporaryDirectory("harness-commit") { folder in
            let matching = RequestMatching.default.matchingHeaders("X-Tenant")
            func poster(for tenant: String, mode: RecordMode?) async throws -> String {
                try await withCassette(
                    "tenants", mode: mode, allowUnused: true, matching: matching, recordAgainst: .simulator,
                    in: folder, environment: [:]
                ) { client in
                    var tenantClient = client
                    tenantClient.transport = AddingHeader(upstream: client.transport, name: "X-Tenant", value: tenant)
                    return try await tenantClient.generate(ImageRequest(prompt: "A poster", seed: 9)).requestID
                }
            }
            let recordedA = try await poster(for: "a", mode: .newEpisodes)
            let recordedB = try await poster(for: "b", mode: .newEpisodes)
            let file = folder.appendingPathComponent("tenants.json")
            let tenants = try CassetteFile.load(file).interactions.map { $0.request.header("X-Tenant") }
            #expect(tenants == ["a", "b"], "one generation recorded per tenant, the field kept")
            #expect(try await poster(for: "b", mode: nil) == recordedB)
            #expect(try await poster(for: "a", mode: nil) == recordedA)
            let issues = Mutex<[String]>([])
            try await withKnownIssue {
                _ = try await poster(for: "c", mode: nil)
            } matching: { issue in
                issues.withLock { $0.append(String(describing: issue)) }
                return true
            }
            #expect(issues.withLock { $0 }.contains { $0.contains("differs in x-tenant: recorded a, sent c") })
        }
    }
}

/// Adds one header field to every request: what an app's own middleware does.
struct AddingHeader: Transport {
    let upstream: any Transport
    let name: String
    let value: String

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        var request = request
        request.headerFields[HTTPField.Name(name)!] = value
        return try await upstream.send(request, body: body)
    }
}
