import Foundation
import HTTPTypes
import Synchronization
import Testing

@testable import ZImageCassettes
@testable import ZImageHTTP
@testable import ZImageTestSupport

/// The commit rule of the generic cassette layer, with no provider in sight: a cassette is written only when its
/// recording is whole, and update keeps what any recorder of the file used.
@Suite("A recording commits only what is whole", .timeLimit(.minutes(1)))
struct CommitRuleTests {
    static let endpoint = "https://api.example.test/v1/items"

    /// A request to the example API.
    static func request(_ item: String, tenant: String? = nil, authorization: String? = nil) -> HTTPRequest {
        var request = HTTPRequest(method: .post, url: URL(string: endpoint)!)
        request.headerFields[.contentType] = "application/json"
        if let tenant { request.headerFields[HTTPField.Name("X-Tenant")!] = tenant }
        if let authorization { request.headerFields[.authorization] = authorization }
        return request
    }

    static func body(_ item: String) -> Data { Data(#"{"item":"\#(item)"}"#.utf8) }

    /// An upstream that answers each request with its body's size and X-Tenant (with `status`), and counts its calls.
    final class Echo: Sendable {
        let status: Int
        private let calls = Mutex(0)
        var count: Int { calls.withLock { $0 } }

        init(status: Int = 200) { self.status = status }

        var transport: ClosureTransport {
            ClosureTransport { request, body in
                self.calls.withLock { $0 += 1 }
                var fields = HTTPFields()
                fields[.contentType] = "application/json"
                let tenant = request.headerFields[HTTPField.Name("X-Tenant")!] ?? "none"
                let answer = #"{"bytes":\#(body?.count ?? 0),"tenant":"\#(tenant)"}"#
                return (HTTPResponse(status: .init(code: self.status), headerFields: fields), Data(answer.utf8))
            }
        }
    }

    /// A cassette with one recorded exchange per item, written whole.
    func seed(_ file: URL, items: [String]) async throws {
        let deck = CassetteDeck(mode: .all, options: CassetteOptions(environment: [:]))
        try await deck.run(file, upstream: Echo().transport) { transport in
            for item in items { _ = try await transport.send(Self.request(item), body: Self.body(item)) }
        }
    }

    @Test("the work throws after a good exchange: its error comes back, and the cassette keeps its old bytes")
    func thrownBody() async throws {
        struct Boom: Error {}
        try await withTemporaryDirectory("commit") { folder in
            let file = folder.appendingPathComponent("items.json")
            try await seed(file, items: ["a"])
            let before = try Data(contentsOf: file)
            let deck = CassetteDeck(mode: .all, options: CassetteOptions(environment: [:]))
            await #expect(throws: Boom.self) {
                try await deck.run(file, upstream: Echo().transport) { transport in
                    _ = try await transport.send(Self.request("b"), body: Self.body("b"))
                    throw Boom()
                }
            }
            #expect(try Data(contentsOf: file) == before)
        }
    }

    @Test("a transport failure is never an exchange, even when the work recovers: kept, saying which failure")
    func recoveredTransportFailure() async throws {
        try await withTemporaryDirectory("commit") { folder in
            let file = folder.appendingPathComponent("items.json")
            try await seed(file, items: ["a"])
            let before = try Data(contentsOf: file)
            let attempts = Mutex(0)
            let flaky = ClosureTransport { request, body in
                if attempts.withLock({
                    $0 += 1
                    return $0
                }) == 1 {
                    throw TransportError(.connectionReset, "the connection was reset")
                }
                return try await Echo().transport.send(request, body: body)
            }
            let deck = CassetteDeck(mode: .all, options: CassetteOptions(environment: [:]))
            let error = try await #require(throws: CassetteError.self) {
                try await deck.run(file, upstream: flaky) { transport in
                    do {
                        _ = try await transport.send(Self.request("b"), body: Self.body("b"))
                    } catch {
                        _ = try await transport.send(Self.request("b"), body: Self.body("b"))  // a retry that works
                    }
                }
            }
            #expect(
                error.description
                    == "kept \(file.path): the recording failed (the connection was reset); nothing was written")
            #expect(try Data(contentsOf: file) == before)
        }
    }

    @Test("an HTTP error answer is an exchange like any other: a recorded 503 is written")
    func errorAnswerIsAnExchange() async throws {
        try await withTemporaryDirectory("commit") { folder in
            let file = folder.appendingPathComponent("outage.json")
            let deck = CassetteDeck(mode: .once, options: CassetteOptions(environment: [:]))
            try await deck.run(file, upstream: Echo(status: 503).transport) { transport in
                _ = try await transport.send(Self.request("a"), body: Self.body("a"))
            }
            #expect(try CassetteFile.load(file).interactions.map(\.response.status) == [503])
        }
    }

    @Test("an exchange still under way at commit: kept, and nothing written")
    func inFlight() async throws {
        try await withTemporaryDirectory("commit") { folder in
            let file = folder.appendingPathComponent("slow.json")
            let started = AsyncStream<Void>.makeStream()
            let slow = ClosureTransport { _, _ in
                started.continuation.yield()
                try await Task.sleep(for: .seconds(30))
                throw CancellationError()
            }
            guard
                case .recording(let recording) = try CassetteDeck(mode: .all, options: .init(environment: [:]))
                    .open(file, upstream: { slow })
            else { throw CassetteTestFailure("a fresh cassette in mode all is recorded") }
            let exchange = Task { try await recording.send(Self.request("a"), body: Self.body("a")) }
            for await _ in started.stream { break }
            let error = try await #require(throws: CassetteError.self) { try await recording.commit() }
            #expect(error.description.contains("1 exchange it began never completed"), "\(error)")
            #expect(error.description.hasPrefix("\(file.path) was not written: "))
            exchange.cancel()
            _ = await exchange.result
            #expect(!FileManager.default.fileExists(atPath: file.path))
        }
    }

    @Test("a cancelled recording is kept, and a recording of nothing is never written over a cassette")
    func cancelledAndEmpty() async throws {
        try await withTemporaryDirectory("commit") { folder in
            let file = folder.appendingPathComponent("items.json")
            try await seed(file, items: ["a"])
            let before = try Data(contentsOf: file)
            let deck = CassetteDeck(mode: .all, options: CassetteOptions(environment: [:]))
            let empty = try await #require(throws: CassetteError.self) {
                try await deck.run(file, upstream: Echo().transport) { _ in }
            }
            #expect(empty.description == "kept \(file.path): nothing was recorded; nothing was written")
            let task = Task {
                try await deck.run(file, upstream: Echo().transport) { transport in
                    _ = try await transport.send(Self.request("b"), body: Self.body("b"))
                    try await Task.sleep(for: .seconds(30))
                }
            }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(try Data(contentsOf: file) == before)
        }
    }

    @Test("an empty cassette is refused when replayed, with what to do")
    func emptyCassetteRefused() async throws {
        try await withTemporaryDirectory("commit") { folder in
            let file = folder.appendingPathComponent("empty.json")
            try CassetteFile.write(Cassette(region: nil, source: .live), to: file)
            let error = try #require(throws: CassetteError.self) {
                try CassetteDeck().open(file, upstream: { Echo().transport })
            }
            #expect(error.code == .empty)
            #expect(error.description.contains("has no interactions, so replaying it proves nothing"))
            #expect(
                CassetteLinter.lint(folder, rules: .standard).contains {
                    $0.isError && $0.problem.contains("no interactions")
                })
        }
    }

    @Test("update on one cassette from several recorders, one after another and at once: every used exchange is kept")
    func updateKeepsWhatAnyRecorderUsed() async throws {
        for concurrently in [false, true] {
            try await withTemporaryDirectory("commit") { folder in
                let file = folder.appendingPathComponent("shared.json")
                try await seed(file, items: ["a", "b", "c", "stale"])
                let upstream = Echo()
                let deck = CassetteDeck(mode: .update, options: CassetteOptions(environment: [:]))
                let record: @Sendable (String) async throws -> Void = { item in
                    try await deck.run(file, upstream: upstream.transport) { transport in
                        _ = try await transport.send(Self.request(item), body: Self.body(item))
                    }
                }
                if concurrently {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for item in ["a", "b", "c"] { group.addTask { try await record(item) } }
                        try await group.waitForAll()
                    }
                } else {
                    for item in ["a", "b", "c"] { try await record(item) }
                }
                #expect(upstream.count == 0, "each case replayed its own exchange")
                let bodies = try CassetteFile.load(file).interactions.compactMap(\.request.body).map {
                    String(decoding: $0, as: UTF8.self)
                }
                #expect(
                    bodies.sorted() == ["a", "b", "c"].map { #"{"item":"\#($0)"}"# },
                    "concurrently: \(concurrently); the stale exchange goes, none of the used ones")
            }
        }
    }

    @Test("a matcher that reads a header declares it: the recording keeps it, and the replay matches on it")
    func headerMatcherThroughARecording() async throws {
        try await withTemporaryDirectory("commit") { folder in
            let file = folder.appendingPathComponent("tenants.json")
            let matching = RequestMatching.default.matchingHeaders("X-Tenant")
            let options = CassetteOptions(matching: matching, environment: [:])
            try await CassetteDeck(mode: .all, options: options).run(file, upstream: Echo().transport) {
                transport in
                for tenant in ["a", "b"] {
                    _ = try await transport.send(Self.request("x", tenant: tenant), body: Self.body("x"))
                }
            }
            #expect(try CassetteFile.load(file).interactions.map { $0.request.header("X-Tenant") } == ["a", "b"])
            let replay = try ReplayingTransport(contentsOf: file, options: options)
            let b = try await replay.send(Self.request("x", tenant: "b"), body: Self.body("x")).1
            #expect(String(decoding: b, as: UTF8.self).contains(#""tenant":"b""#))
            let a = try await replay.send(Self.request("x", tenant: "a"), body: Self.body("x")).1
            #expect(String(decoding: a, as: UTF8.self).contains(#""tenant":"a""#))
            let miss = try await #require(throws: TransportError.self) {
                try await replay.send(Self.request("x", tenant: "c"), body: Self.body("x"))
            }
            #expect(miss.description.contains("differs in x-tenant: recorded a, sent c"), "\(miss)")
        }
    }

    @Test("a matcher that reads a credential header: the recording keeps it redacted, and the replay still matches")
    func credentialHeaderMatcher() async throws {
        try await withTemporaryDirectory("commit") { folder in
            let file = folder.appendingPathComponent("auth.json")
            let options = CassetteOptions(
                matching: RequestMatching.default.matchingHeaders("Authorization"), environment: [:])
            let secret = "Bearer sk-test-credential-header-0001"
            try await CassetteDeck(mode: .all, options: options).run(file, upstream: Echo().transport) {
                transport in
                _ = try await transport.send(Self.request("x", authorization: secret), body: Self.body("x"))
            }
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(!text.contains("sk-test-credential-header-0001") && text.contains("Bearer <redacted>"))
            let replay = try ReplayingTransport(contentsOf: file, options: options)
            _ = try await replay.send(
                Self.request("x", authorization: "Bearer sk-test-another-key-0002"), body: Self.body("x"))
            await #expect(throws: TransportError.self) {
                try await replay.send(Self.request("x"), body: Self.body("x"))
            }
        }
    }
}

/// A test's own failure, with a sentence.
struct CassetteTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
