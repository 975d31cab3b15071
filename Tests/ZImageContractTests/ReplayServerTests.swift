import Foundation
import HTTPTypes
import Synchronization
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageContract
@testable import ZImageContractSuite
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

@Suite("The replay server: the skill's quick start, one log line per request, misses by file, 413 at once")
struct ReplayServerTests {
    /// The skill's quick-start request: the documented prompt and size, no seed.
    static let quickStart =
        #"{"model":"z-image-turbo","input":{"messages":[{"role":"user","content":[{"text":"A calm lake at dawn, a lone angler casting a line, cinematic lighting"}]}]},"parameters":{"size":"1024*1024","prompt_extend":false}}"#

    func post(_ body: String, to backend: CassetteBackend) async throws -> SimulatorResponse {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.authorization] = "Bearer sk-test-anything-0000"
        return await backend.respond(
            to: SimulatorRequest(
                method: .post, path: DashScopeAPI.generationPath, query: nil, headerFields: fields,
                body: Data(body.utf8),
                serverBaseURL: try #require(URL(string: "http://127.0.0.1:8080"))))
    }

    @Test(
        "the skill's quick-start request gets its recorded 200, in both regions, and each request is logged",
        arguments: Region.allCases)
    func quickStart(_ region: Region) async throws {
        let lines = Mutex<[String]>([])
        let backend = try CassetteBackend(
            folder: committedCassettes.appendingPathComponent(region.rawValue), rules: .dashScope
        ) { line in
            lines.withLock { $0.append(line) }
        }
        let answer = try await post(Self.quickStart, to: backend)
        #expect(answer.status == 200)
        let recorded = try CassetteFile.load(committedCassettes.appendingPathComponent("\(region)/quick-start.json"))
        let requestID = WireFormat.decodeError(recorded.interactions[0].response.body).requestID
        #expect(requestID != nil && WireFormat.decodeError(answer.body).requestID == requestID)
        #expect(lines.withLock { $0 } == ["POST \(DashScopeAPI.generationPath) hit quick-start.json #0"])
    }

    @Test("a miss names the cassette file of each nearest interaction, and is logged as a miss")
    func missByFile() async throws {
        let lines = Mutex<[String]>([])
        let backend = try CassetteBackend(
            folder: committedCassettes.appendingPathComponent("beijing"), rules: .dashScope
        ) { line in
            lines.withLock { $0.append(line) }
        }
        let answer = try await post(
            Self.quickStart.replacingOccurrences(of: "1024*1024", with: "1024*1536"), to: backend)
        #expect(answer.status == 404)
        let message = WireFormat.decodeError(answer.body).message ?? ""
        #expect(message.contains("nearest #0: quick-start.json: POST https://dashscope.aliyuncs.com/"), "\(message)")
        #expect(message.contains("nearest #0: basic-generation.json: POST"))
        #expect(message.contains("parameters.size: recorded \"1024*1024\", sent \"1024*1536\""))
        #expect(lines.withLock { $0 } == ["POST \(DashScopeAPI.generationPath) miss (nearest: quick-start.json #0)"])
    }

    @Test("a body declared larger than the cap is refused with 413 before it is sent")
    func tooLarge() async throws {
        let backend = try CassetteBackend(
            folder: committedCassettes.appendingPathComponent("beijing"), rules: .dashScope)
        try await using(
            try await SimulatorServer.start(backend: backend, limits: SimulatorLimits(maxRequestBytes: 1 << 20))
        ) { server in
            let answer = await rawHTTPExchange(
                port: server.port,
                "POST \(DashScopeAPI.generationPath) HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer)")
            #expect(
                answer.contains("RequestTooLarge") && answer.contains("50000000 bytes is over the 1048576-byte limit"))
            #expect(server.requests.map(\.status) == [413])
        }
    }
}
