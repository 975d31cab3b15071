import Foundation
import HTTPTypes
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageContract
@testable import ZImageContractSuite
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

@Suite("Record against the simulator, replay with no network", .timeLimit(.minutes(1)))
struct RecordReplayTests {
    @Test("replaying with no server running gives identical results and image bytes")
    func recordThenReplay() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("two.json")
        // Recorded with a server running; replayed below after its shutdown was awaited.
        let recorded = try await withSimulator(accepting: [sentinelKey.value]) { server in
            let rewrite = DashScopeSimulation.originRewrite(from: server.baseURL, region: .beijing)
            let (transport, recorder) = try RecordMode.all.open(
                file, upstream: { try loopbackTransport() },
                options: {
                    var options = CassetteOptions(
                        rules: .dashScope, secrets: [sentinelKey.value], region: "beijing", environment: [:])
                    options.rewrite = rewrite
                    return options
                }()
            ).pair
            let live = ZImageClient(transport: transport, apiKey: sentinelKey)
            var recorded: [(ImageResult, Data)] = []
            for (prompt, seed) in [("A calm lake", 1), ("A quiet harbour", 2)] {
                let request = try ImageRequest(
                    prompt: prompt, size: "1024*768", seed: seed, baseURL: server.generationURL.absoluteString)
                let result = try await live.generate(request)
                recorded.append((result, try await ImageDownloader(transport: transport).fetch(result)))
            }
            _ = try await recorder?.commit()
            return recorded
        }

        let replay = try ReplayingTransport(contentsOf: file, options: CassetteOptions(rules: .dashScope))
        let offline = ZImageClient(transport: replay, apiKey: APIKey("sk-test-other-key-000"))
        for (index, (prompt, seed)) in [("A calm lake", 1), ("A quiet harbour", 2)].enumerated() {
            let result = try await offline.generate(
                try ImageRequest(prompt: prompt, size: "1024*768", seed: seed, baseURL: nil))
            // The recorded URL was moved to the region's OSS host; everything else is as the live call saw it.
            #expect(result.requestID == recorded[index].0.requestID)
            #expect(result.width == 1024 && result.height == 768 && result.prompt == prompt)
            #expect(result.imageURL.hasPrefix("https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1024x768/"))
            #expect(try await ImageDownloader(transport: replay).fetch(result) == recorded[index].1)
        }
        #expect(replay.unusedInteractions.isEmpty)
        let cassette = try CassetteFile.load(file)
        #expect(cassette.source == .simulator && cassette.interactions.count == 4)
        #expect(cassette.interactions.allSatisfy { !$0.request.url.contains("127.0.0.1") })
    }

    @Test("one differing JSON field fails with its path, both values, the cassette and the record mode")
    func missNamesTheField() async throws {
        let cassette = Cassette(
            region: "beijing", source: .simulator,
            interactions: [
                generationInteraction(
                    #"{"model":"z-image-turbo","input":{"messages":[{"role":"user","content":[{"text":"a lake"}]}]},"parameters":{"size":"1024*1024","seed":42,"prompt_extend":false}}"#
                )
            ])
        let replay = ReplayingTransport(cassette: cassette, path: "/tmp/lake.json", rules: .dashScope)
        let client = ZImageClient(transport: replay, apiKey: sentinelKey, retryPolicy: .never)
        let error = try await #require(throws: ZImageError.self) {
            try await client.generate(ImageRequest(prompt: "a lake", seed: 43))
        }
        let text = error.description
        for part in [
            "/tmp/lake.json", "record mode none", "parameters.seed: recorded 42, sent 43",
            "matches: method, scheme, host, path, query",
            "record it again with record mode update",
        ] {
            #expect(text.contains(part), "\(text)")
        }
        #expect(!text.contains("--"), "an app that logs the error has no command line: \(text)")
    }

    @Test("the miss survives as a value through the client's error: nearest interaction, JSON path, both values, file")
    func missIsAValue() async throws {
        let cassette = Cassette(
            region: "beijing", source: .simulator,
            interactions: [
                generationInteraction(
                    #"{"model":"z-image-turbo","input":{"messages":[{"role":"user","content":[{"text":"a lake"}]}]},"parameters":{"size":"1024*1024","seed":42,"prompt_extend":false}}"#
                )
            ])
        let client = ZImageClient(
            transport: ReplayingTransport(cassette: cassette, path: "/tmp/lake.json", rules: .dashScope),
            apiKey: sentinelKey, retryPolicy: .never)
        let error = try await #require(throws: ZImageError.self) {
            try await client.generate(ImageRequest(prompt: "a lake", seed: 43))
        }
        #expect(error.code == .transport && error.transportFailure?.kind == .unanswered)
        let miss = try #require(CassetteMiss(from: error))
        #expect(miss.cassettePath == "/tmp/lake.json" && miss.recordMode == "none" && !miss.exhausted)
        let nearest = try #require(miss.nearest.first)
        #expect(nearest.index == 0)
        let body = try #require(nearest.parts.first { $0.name == "body" })
        #expect(!body.matched)
        #expect(body.differences.map(\.description) == ["parameters.seed: 42 -> 43"])
        #expect(nearest.parts.filter(\.matched).map(\.name) == ["method", "scheme", "host", "path", "query"])
        #expect(CassetteMiss(from: CancellationError()) == nil)
    }

    @Test("key order and white space in the body never matter")
    func canonicalBodies() async throws {
        let cassette = Cassette(
            region: "beijing", source: .simulator,
            interactions: [
                generationInteraction(
                    "{ \"parameters\" : {\"seed\":42, \"size\":\"1024*1024\", \"prompt_extend\":false},\n\"model\":\"z-image-turbo\",  \"input\":{\"messages\":[{\"content\":[{\"text\":\"a lake\"}],\"role\":\"user\"}]} }"
                )
            ])
        let client = ZImageClient(
            transport: ReplayingTransport(cassette: cassette, rules: .dashScope), apiKey: sentinelKey,
            retryPolicy: .never)
        let error = try await #require(throws: ZImageError.self) {
            try await client.generate(ImageRequest(prompt: "a lake", seed: 42))
        }
        guard let failure = error.apiFailure else {
            Issue.record("the request should have matched and got the recorded 400, got \(error)")
            return
        }
        #expect(failure.status == 400)
    }

    @Test("identical requests get their answers in recorded order, each once, unless repeats are allowed")
    func orderAndRepeats() async throws {
        let body = #"{"a":1}"#
        let cassette = Cassette(
            region: "beijing", source: .simulator,
            interactions: [
                generationInteraction(body, answer: #"{"n":1}"#, status: 200),
                generationInteraction(body, answer: #"{"n":2}"#, status: 200),
            ])
        let request = HTTPRequest(method: .post, url: Region.beijing.generationURL)
        let once = ReplayingTransport(cassette: cassette, rules: .dashScope)
        #expect(try await once.send(request, body: Data(body.utf8)).1 == Data(#"{"n":1}"#.utf8))
        #expect(try await once.send(request, body: Data(body.utf8)).1 == Data(#"{"n":2}"#.utf8))
        let error = try await #require(throws: TransportError.self) {
            try await once.send(request, body: Data(body.utf8))
        }
        #expect(error.kind == .unanswered && error.message.contains("answers were all used already"))

        let repeating = ReplayingTransport(cassette: cassette, rules: .dashScope, allowRepeats: true)
        for expected in [1, 2, 2, 2] {
            #expect(try await repeating.send(request, body: Data(body.utf8)).1 == Data(#"{"n":\#(expected)}"#.utf8))
        }
    }
}

@Suite("Redaction: nothing secret reaches a cassette", .timeLimit(.minutes(1)))
struct RedactionTests {
    @Test(
        "after recording with a sentinel key, no byte of the cassette or its bodies holds it; signatures are redacted")
    func noSentinelKeyAnywhere() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("sentinel.json")
        try await withSimulator(region: .singapore, accepting: [sentinelKey.value]) { server in
            let rewrite = DashScopeSimulation.originRewrite(from: server.baseURL, region: .singapore)
            let (transport, recorder) = try RecordMode.all.open(
                file, upstream: { try loopbackTransport() },
                options: {
                    var options = CassetteOptions(
                        rules: .dashScope, secrets: [sentinelKey.value], region: "singapore", environment: [:])
                    options.rewrite = rewrite
                    return options
                }()
            ).pair
            let client = ZImageClient(transport: transport, apiKey: sentinelKey, region: .singapore)
            let result = try await client.generate(
                try ImageRequest(prompt: "p", size: nil, seed: nil, baseURL: server.generationURL.absoluteString))
            _ = try await ImageDownloader(transport: transport).fetch(result)
            _ = try await recorder?.commit()

            let files = try allBytes(under: folder)
            // No lock file and no part file.
            #expect(files.map { URL(fileURLWithPath: $0.0).pathExtension }.sorted() == ["json", "png"])
            for (path, bytes) in files {
                #expect(bytes.range(of: Data(sentinelKey.value.utf8)) == nil, "\(path) holds the key")
            }
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.contains("Bearer <redacted>"))
            // Signatures become a URI-safe placeholder; the expiry, no secret, keeps its value and so its type.
            #expect(
                text.range(
                    of: #"Expires=[0-9]+&OSSAccessKeyId=REDACTED&Signature=REDACTED""#, options: .regularExpression)
                    != nil, "\(text)")
            #expect(!text.contains("Signature=<") && !text.contains("Expires=<"))
            #expect(!text.contains("LTAIsimulated"))
        }
    }

    @Test("a response that echoes the key is redacted there too")
    func echoedKey() throws {
        let interaction = Interaction(
            request: RecordedRequest(
                method: "GET", url: "https://dashscope.aliyuncs.com/x?token=\(sentinelKey.value)",
                headers: [
                    "Authorization": sentinelKey.bearer, "X-DashScope-ApiKey": sentinelKey.value,
                    "User-Agent": "zimage",
                ]),
            response: RecordedResponse(
                status: 401, headers: ["Content-Type": "application/json", "Set-Cookie": "s=1"],
                body: Data(#"{"code":"InvalidApiKey","message":"bad key \#(sentinelKey.value)","request_id":"r"}"#.utf8)
            ))
        let clean = Redactor(secrets: [sentinelKey.value], rules: .dashScope).redact(interaction)
        #expect(clean.request.headers == ["Authorization": "Bearer <redacted>", "X-DashScope-ApiKey": "<redacted>"])
        #expect(clean.request.url == "https://dashscope.aliyuncs.com/x?token=<redacted>")
        #expect(clean.response.headers == ["Content-Type": "application/json"])
        #expect(String(decoding: clean.response.body, as: UTF8.self).contains("bad key <redacted>"))
    }

    @Test("a secret that survives (inside a binary body) makes the write refuse, and nothing is written")
    func refusal() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("leak.json")
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0]) + Data(sentinelKey.value.utf8)
        let cassette = Cassette(
            region: "beijing", source: .live,
            interactions: [
                Interaction(
                    request: RecordedRequest(method: "GET", url: "https://h/x.png"),
                    response: RecordedResponse(status: 200, headers: ["content-type": "image/png"], body: png))
            ])
        let error = try #require(throws: CassetteError.self) {
            try CassetteFile.write(cassette, to: file, secrets: [sentinelKey.value])
        }
        #expect(error.description.contains("Refused to write") && error.description.contains("bodies/"))
        #expect(try allBytes(under: folder).isEmpty)
    }
}
