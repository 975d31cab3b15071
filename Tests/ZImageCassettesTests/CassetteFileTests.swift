import Foundation
import HTTPTypes
import HTTPTypesFoundation
import Synchronization
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageContract
@testable import ZImageContractSuite
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

@Suite("Cassette files: safe under concurrency and crashes, no churn, clear errors", .timeLimit(.minutes(2)))
struct CassetteFileTests {
    @Test(
        "an answer that says X-Cassette-Source: simulator marks a live recording source: simulator; the header is not stored",
        arguments: [(String?("simulator"), Cassette.Source.simulator), ("live", .live), (nil, .live)])
    func sourceFromTheAnswer(declared: String?, expected: Cassette.Source) async throws {
        try await withTemporaryDirectory { folder in
            let file = folder.appendingPathComponent("routed.json")
            let recorder = CassetteRecorder(
                url: file, cassette: Cassette(region: "beijing", source: .live), secrets: [], rules: .dashScope)
            var headers = ["content-type": "application/json"]
            if let declared { headers["x-cassette-source"] = declared }
            await recorder.record(
                Interaction(
                    request: RecordedRequest(
                        method: "GET", url: "https://dashscope.aliyuncs.com/compatible-mode/v1/models"),
                    response: RecordedResponse(status: 200, headers: headers, body: Data(#"{"data":[]}"#.utf8))))
            _ = try await recorder.commit()
            let stored = try CassetteFile.load(file)
            #expect(stored.source == expected)
            #expect(stored.interactions[0].response.headers.keys.map { $0.lowercased() } == ["content-type"])
            #expect(
                !String(decoding: try Data(contentsOf: file), as: UTF8.self).lowercased().contains("x-cassette-source"))
        }
    }

    @Test("16 tasks record 1,000 interactions concurrently: all are in the cassette, which loads and passes check")
    func concurrentRecording() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("busy.json")
        let recorder = CassetteRecorder(
            url: file, cassette: Cassette(region: "beijing", source: .simulator), secrets: [sentinelKey.value],
            rules: .dashScope)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for item in stride(from: task, to: 1000, by: 16) {
                        let interaction = Interaction(
                            request: RecordedRequest(
                                method: "GET",
                                url: "https://dashscope.aliyuncs.com/compatible-mode/v1/models?n=\(item)",
                                headers: ["Authorization": sentinelKey.bearer]),
                            response: RecordedResponse(
                                status: 200, headers: ["content-type": "application/json"],
                                body: Data(#"{"data":[],"n":\#(item)}"#.utf8)))
                        await recorder.record(interaction)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(!FileManager.default.fileExists(atPath: file.path), "nothing is written before flush()")
        _ = try await recorder.commit()
        let cassette = try CassetteFile.load(file)
        #expect(cassette.interactions.count == 1000)
        let numbers = Set(
            cassette.interactions.compactMap { URLComponents(string: $0.request.url)?.queryItems?.first?.value })
        #expect(numbers.count == 1000)
        #expect(try String(contentsOf: file, encoding: .utf8).range(of: sentinelKey.value) == nil)
        let findings = CassetteLinter.lint(folder, rules: .dashScope, contract: ContractChecker.contractCassette).filter
        { !$0.problem.contains("no scenario") }
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test("a process killed while writing leaves the previous cassette loadable")
    func killedMidWrite() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("crash.json")
        let writer = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
            .appendingPathComponent("cassette-stress-writer")
        for round in 0..<5 {
            let (_, status) = try await withChild(writer.path, [file.path]) { child in
                _ = try await child.read(until: "first write done")
                // Let it write for a while (its cassette grows every round), then kill it wherever it is.
                try await Task.sleep(for: .milliseconds(150 + 70 * round))
                try child.send(SIGKILL)
            }
            #expect(status == 128 + SIGKILL, "the writer ended on its own: \(status)")
            let cassette = try CassetteFile.load(file)
            #expect(!cassette.interactions.isEmpty)
        }
    }

    @Test("re-recording unchanged scenarios gives byte-identical files")
    func noChurn() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let recorder = ScenarioRecorder(makeUpstream: { try loopbackTransport() }, environment: [:])
        let names = ["basic-generation", "throttled-then-success", "expired-image-url", "models-probe"]
        func snapshot() throws -> [String: Data] {
            Dictionary(uniqueKeysWithValues: try allBytes(under: folder).map { ($0.0, $0.1) })
        }
        for name in names {
            let outcome = try await recorder.record(
                try #require(ScenarioCatalog.named(name)), region: .singapore, into: folder, target: .simulator)
            #expect(outcome.status == .written)
        }
        let first = try snapshot()
        try await Task.sleep(for: .milliseconds(1100))  // a new recording time, were the file rewritten
        for name in names {
            let outcome = try await recorder.record(
                try #require(ScenarioCatalog.named(name)), region: .singapore, into: folder, target: .simulator)
            #expect(outcome.status == .unchanged, "\(name)")
        }
        #expect(try snapshot() == first)
    }

    @Test(
        "a cassette whose folder another process holds locked is a clear error after the wait; nothing is overwritten, no lock file is left"
    )
    func heldLock() async throws {
        try await withTemporaryDirectory("cassettes") { folder in
            let file = folder.appendingPathComponent("held.json")
            let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY)
            #expect(flock(descriptor, LOCK_EX) == 0)
            let recorder = CassetteRecorder(
                url: file, cassette: Cassette(region: "beijing", source: .simulator), secrets: [],
                rules: .dashScope, lockTimeout: .milliseconds(200))
            await recorder.record(generationInteraction(DocumentedExamples.requestBody))
            let error = try await #require(throws: CassetteError.self) { try await recorder.commit() }
            #expect(error.code == .lockTimeout && error.description.contains("another process held its lock"))
            #expect(!FileManager.default.fileExists(atPath: file.path))
            close(descriptor)  // the other process is done
            _ = try await recorder.commit()
            #expect(try CassetteFile.load(file).interactions.count == 1)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["bodies", "held.json"]
                    || FileManager.default.contentsOfDirectory(atPath: folder.path) == ["held.json"])
        }
    }

    @Test(
        "a PNG body with the right hash but a damaged chunk is refused on load under DashScope's rules, and by check; the generic layer checks the hash only"
    )
    func damagedPNGBody() async throws {
        try await withTemporaryDirectory("cassettes") { folder in
            let png = PNGEncoder.gradient(width: 512, height: 512, seed: [1, 2, 3, 4, 5, 6])
            var damaged = [UInt8](png)
            damaged[50] ^= 0xFF  // inside the IDAT chunk's data: its CRC no longer matches
            let cassette = Cassette(
                region: "beijing", source: .simulator,
                interactions: [
                    Interaction(
                        request: RecordedRequest(
                            method: "GET", url: "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/a.png"),
                        response: RecordedResponse(
                            status: 200, headers: ["content-type": "image/png"], body: Data(damaged)))
                ])
            let file = folder.appendingPathComponent("damaged.json")
            try CassetteFile.write(cassette, to: file)
            let error = try #require(throws: CassetteError.self) { try CassetteFile.load(file, rules: .dashScope) }
            #expect(error.code == .unreadable && error.description.contains("is not a sound PNG (chunk IDAT has CRC"))
            #expect(try CassetteFile.load(file, rules: .standard).interactions[0].response.body == Data(damaged))
            let findings = CassetteLinter.lint(folder, rules: .dashScope)
            #expect(findings.contains { $0.isError && $0.problem.contains("is not a sound PNG") })
        }
    }

    @Test("check warns about a recording older than the age limit, with its age in days, and not about a younger one")
    func staleRecording() async throws {
        try await withTemporaryDirectory("cassettes") { folder in
            let recorded = try #require(ISO8601DateFormatter().date(from: "2026-01-01T00:00:00Z"))
            let cassette = Cassette(
                region: "beijing", source: .simulator, recordedAt: "2026-01-01T00:00:00Z",
                interactions: [
                    Interaction(
                        request: RecordedRequest(method: "GET", url: "https://example.com/"),
                        response: RecordedResponse(status: 204))
                ])
            try CassetteFile.write(cassette, to: folder.appendingPathComponent("old.json"))
            func warnings(daysLater days: Double, limit: Int) -> [String] {
                CassetteLinter.lint(
                    folder, rules: .dashScope, maximumAgeDays: limit, now: recorded.addingTimeInterval(days * 86_400)
                )
                .filter { !$0.isError }.map(\.problem)
            }
            #expect(
                warnings(daysLater: 181.5, limit: 180) == ["recorded 181 days ago: re-record it to catch API drift"])
            #expect(warnings(daysLater: 180.5, limit: 180).isEmpty)
            #expect(warnings(daysLater: 31, limit: 30) == ["recorded 31 days ago: re-record it to catch API drift"])
        }
    }

    @Test("an unknown format, a missing body file, or a body whose sha256 differs is a clear error")
    func brokenCassettes() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = committedCassettes.appendingPathComponent("beijing/basic-generation.json")
        let body = try #require(try CassetteFile.bodyFiles(of: source).first)
        func copy() throws -> URL {
            let target = folder.appendingPathComponent("basic.json")
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("bodies"))
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("bodies"), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: source, to: target)
            try FileManager.default.copyItem(
                at: committedCassettes.appendingPathComponent("beijing/\(body)"),
                to: folder.appendingPathComponent(body))
            return target
        }

        let future = try copy()
        try Data(
            try String(contentsOf: future, encoding: .utf8).replacingOccurrences(
                of: "\"format\" : 1", with: "\"format\" : 2"
            ).utf8
        )
        .write(to: future)
        #expect(throws: CassetteError.unsupportedFormat(path: future.path, found: 2)) { try CassetteFile.load(future) }

        let missing = try copy()
        try FileManager.default.removeItem(at: folder.appendingPathComponent(body))
        let missingError = try #require(throws: CassetteError.self) { try CassetteFile.load(missing) }
        #expect(missingError == .missingBody(path: missing.path, file: body))
        #expect(missingError.description.contains("is missing"))

        let tampered = try copy()
        let bodyFile = folder.appendingPathComponent(body)
        var bytes = try Data(contentsOf: bodyFile)
        bytes[bytes.count - 1] ^= 0xff
        try bytes.write(to: bodyFile)
        let hashError = try #require(throws: CassetteError.self) { try CassetteFile.load(tampered) }
        #expect(hashError.code == .bodyHashMismatch)
        #expect(hashError.description.contains(body) && hashError.description.contains(SHA256.hexDigest(of: bytes)))
        #expect(hashError.description.contains("changed or corrupted"))
    }
}

@Suite("Record modes and the CI guard", .timeLimit(.minutes(1)))
struct RecordModeTests {
    /// A cassette with one recorded models probe, and a fresh upstream that counts what reaches it.
    func fixture() throws -> (URL, URL, UpstreamCounter) {
        let folder = try makeTemporaryDirectory()
        let file = folder.appendingPathComponent("modes.json")
        let recorded = Interaction(
            request: RecordedRequest(method: "GET", url: Region.beijing.probeURL.absoluteString),
            response: RecordedResponse(
                status: 200, headers: ["content-type": "application/json"], body: Data(#"{"data":["recorded"]}"#.utf8)))
        try CassetteFile.write(Cassette(region: "beijing", source: .live, interactions: [recorded]), to: file)
        return (folder, file, UpstreamCounter())
    }

    let hit = HTTPRequest(method: .get, url: Region.beijing.probeURL)
    let miss = HTTPRequest(method: .get, url: Region.singapore.probeURL)

    @Test("none: a hit replays, a miss is an error, nothing goes upstream")
    func none() async throws {
        let (folder, file, upstream) = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (transport, recorder) = try RecordMode.none.open(
            file, upstream: { upstream.transport },
            options: CassetteOptions(rules: .dashScope, region: "beijing", environment: [:])
        ).pair
        #expect(recorder == nil)
        #expect(try await transport.send(hit, body: nil).1 == Data(#"{"data":["recorded"]}"#.utf8))
        await #expect(throws: TransportError.self) { try await transport.send(miss, body: nil) }
        #expect(upstream.count == 0)
    }

    @Test("once: an existing cassette only replays; a missing one records everything")
    func once() async throws {
        let (folder, file, upstream) = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (existing, _) = try RecordMode.once.open(
            file, upstream: { upstream.transport },
            options: CassetteOptions(rules: .dashScope, region: "beijing", environment: [:])
        ).pair
        await #expect(throws: TransportError.self) { try await existing.send(miss, body: nil) }
        #expect(upstream.count == 0)

        let fresh = folder.appendingPathComponent("fresh.json")
        let (recording, recorder) = try RecordMode.once.open(
            fresh, upstream: { upstream.transport },
            options: CassetteOptions(rules: .dashScope, region: "beijing", environment: [:])
        ).pair
        _ = try await recording.send(miss, body: nil)
        _ = try await recorder?.commit()
        #expect(upstream.count == 1)
        #expect(try CassetteFile.load(fresh).interactions.count == 1)
    }

    @Test("new-episodes: a hit replays without going upstream; a miss goes upstream and is appended")
    func newEpisodes() async throws {
        let (folder, file, upstream) = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (transport, recorder) = try RecordMode.newEpisodes.open(
            file, upstream: { upstream.transport },
            options: CassetteOptions(rules: .dashScope, region: "beijing", environment: [:])
        ).pair
        #expect(try await transport.send(hit, body: nil).1 == Data(#"{"data":["recorded"]}"#.utf8))
        #expect(upstream.count == 0)
        #expect(try await transport.send(miss, body: nil).1 == Data(#"{"data":["live"]}"#.utf8))
        #expect(upstream.count == 1)
        #expect(
            try CassetteFile.load(file).interactions.count == 1, "the file is untouched until the recording is flushed")
        _ = try await recorder?.commit()
        #expect(try CassetteFile.load(file).interactions.count == 2)
    }

    @Test("all: everything goes upstream and the cassette is recorded afresh")
    func all() async throws {
        let (folder, file, upstream) = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (transport, recorder) = try RecordMode.all.open(
            file, upstream: { upstream.transport },
            options: CassetteOptions(rules: .dashScope, region: "beijing", environment: [:])
        ).pair
        #expect(try await transport.send(hit, body: nil).1 == Data(#"{"data":["live"]}"#.utf8))
        #expect(upstream.count == 1)
        _ = try await recorder?.commit()
        let cassette = try CassetteFile.load(file)
        #expect(
            cassette.interactions.count == 1
                && cassette.interactions[0].response.body == Data(#"{"data":["live"]}"#.utf8))
    }

    @Test(
        "with CI=true every mode that records is refused unless ZIMAGE_ALLOW_RECORDING=1",
        arguments: [
            RecordMode.newEpisodes, .all, .once,
        ])
    func ciGuard(mode: RecordMode) throws {
        let (folder, file, upstream) = try fixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = mode == .once ? folder.appendingPathComponent("absent.json") : file
        let error = try #require(throws: CassetteError.self) {
            try mode.open(
                target, upstream: { upstream.transport },
                options: CassetteOptions(rules: .dashScope, region: "beijing", environment: ["CI": "true"]))
        }
        #expect(error.description.contains("CI must never record"))
        _ = try mode.open(
            target, upstream: { upstream.transport },
            options: CassetteOptions(
                rules: .dashScope, region: "beijing", environment: ["CI": "true", "ZIMAGE_ALLOW_RECORDING": "1"]))
        // Replaying is always allowed in CI.
        _ = try RecordMode.none.open(
            file, upstream: { upstream.transport },
            options: CassetteOptions(rules: .dashScope, region: "beijing", environment: ["CI": "true"]))
    }
}

/// An upstream that answers `{"data":["live"]}` and counts its calls.
final class UpstreamCounter: Sendable {
    private let calls = Mutex(0)
    var count: Int { calls.withLock { $0 } }

    var transport: ClosureTransport {
        ClosureTransport { _, _ in
            self.calls.withLock { $0 += 1 }
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            return (HTTPResponse(status: .ok, headerFields: fields), Data(#"{"data":["live"]}"#.utf8))
        }
    }
}

@Suite("Recording scenarios against another origin", .timeLimit(.minutes(1)))
struct AgainstOriginTests {
    @Test("--against: scenarios are stored under the real endpoints; those needing injected faults are kept untouched")
    func against() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let kept = ScenarioRecorder.file(for: "throttled-then-success", in: folder)
        try Data("not touched".utf8).write(to: kept)
        try await withSimulator(region: .singapore, accepting: [sentinelKey.value]) { server in
            let recorder = ScenarioRecorder(makeUpstream: { try loopbackTransport() }, environment: [:])
            let target = ScenarioRecorder.Target.against(server.baseURL, sentinelKey)
            let basic = try await recorder.record(
                try #require(ScenarioCatalog.named("basic-generation")), region: .singapore,
                into: folder, target: target)
            #expect(basic.status == .written)
            let throttled = try await recorder.record(
                try #require(ScenarioCatalog.named("throttled-then-success")), region: .singapore,
                into: folder, target: target)
            #expect(throttled.status == .kept)
            #expect(try String(contentsOf: kept, encoding: .utf8) == "not touched")
            let cassette = try CassetteFile.load(basic.file)
            #expect(
                cassette.interactions.map { URLComponents(string: $0.request.url)?.host } == [
                    "dashscope-intl.aliyuncs.com", "dashscope-result-sgp.oss-ap-southeast-1.aliyuncs.com",
                ])
            #expect(await ScenarioRunner.run(basic.file).passed)
        }
    }
}

@Suite("Contract checks at record time")
struct RecordTimeContractTests {
    @Test("an image whose size differs from usage is reported at commit, and the recording is not written")
    func wrongImageSize() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let recorder = CassetteRecorder(
            url: folder.appendingPathComponent("wrong.json"),
            cassette: Cassette(region: "beijing", source: .simulator), secrets: [], rules: .dashScope,
            contract: ContractChecker.contract)
        let imageURL = "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1024x1024/x.png"
        await recorder.record(
            generationInteraction(
                DocumentedExamples.requestBody,
                answer:
                    #"{"output":{"choices":[{"message":{"content":[{"image":"\#(imageURL)"}],"reasoning_content":""}}]},"usage":{"width":1024,"height":1024},"request_id":"r"}"#,
                status: 200))
        await recorder.record(
            Interaction(
                request: RecordedRequest(method: "GET", url: imageURL),
                response: RecordedResponse(
                    status: 200, headers: ["content-type": "image/png"],
                    body: PNGEncoder.gradient(width: 512, height: 512, seed: [1, 2, 3, 4, 5, 6]))))
        let kept = try await #require(throws: CassetteError.self) { try await recorder.commit() }
        #expect(kept.code == .recordingKept)
        #expect(kept.description.contains("wrong.json was not written: it breaks the contract"))
        let violations = await recorder.violations
        #expect(violations.map(\.description) == ["interaction #0: the image is 512*512, but usage says 1024*1024"])
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("wrong.json").path))
    }
}

extension OpenedCassette {
    /// The transport and the recording (`nil` for a replay), to take apart in one `let`.
    var pair: (any Transport, RecordingTransport?) {
        if case .recording(let recording) = self { (transport, recording) } else { (transport, nil) }
    }
}

extension RecordMode {
    /// The cassette at `url` opened in this mode, through the one door, ``CassetteDeck``.
    func open(_ url: URL, upstream: () throws -> any Transport, options: CassetteOptions) throws -> OpenedCassette {
        try CassetteDeck(mode: self, options: options).open(url, upstream: upstream)
    }
}
