import Foundation
import HTTPTypes
import InMemoryLogging
import Logging
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTestSupport

@Suite("Error mapping: docs/CONTRACT.md's error table, row by row")
struct ErrorMappingTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var status: Int
        var code: String
        var retried: Bool
        var testDescription: String { "\(status) \(code)" }
    }

    /// docs/CONTRACT.md "Errors", written out here so that the client is checked against the document, not against itself.
    static let table: [Row] = {
        let rows: [(Int, [String], Bool)] = [
            (
                400,
                [
                    "InvalidParameter", "DataInspectionFailed", "data_inspection_failed", "IPInfringementSuspect",
                    "Arrearage",
                ], false
            ),
            // By HTTP status, never by the code's prefix: seen from a sibling model, and not retried.
            (400, ["InternalError.Algo.InvalidParameter"], false),
            // A 200 whose body is an error (seen by an independent client): the API error it names, not retried.
            (200, ["InternalError.Algo", "Throttling.RateQuota", "InvalidParameter"], false),
            (401, ["InvalidApiKey", "invalid_api_key", "NOT AUTHORIZED"], false),
            (
                403,
                [
                    "AccessDenied", "AccessDenied.Unpurchased", "Model.AccessDenied", "Workspace.AccessDenied",
                    "AllocationQuota.FreeTierOnly",
                ], false
            ),
            (404, ["ModelNotFound", "model_not_found"], false),
            (429, ["Throttling", "Throttling.RateQuota", "Throttling.BurstRate", "Throttling.AllocationQuota"], true),
            (
                500, ["InternalError", "InternalError.Algo", "InternalError.Timeout", "SystemError", "RequestTimeOut"],
                true
            ),
            (503, ["ModelServingError", "ModelUnavailable"], true),
        ]
        return rows.flatMap { status, codes, retried in codes.map { Row(status: status, code: $0, retried: retried) } }
    }()

    @Test(
        "each row maps to ZImageError.api with status, code, message and request id, retried as the table says",
        arguments: table)
    func row(_ row: Row) async throws {
        let attempts = 3
        let answers = Array(
            repeating: Answer.error(
                row.status, code: row.code, message: "what went wrong", requestID: "rid-\(row.status)"),
            count: attempts)
        let transport = ScriptedTransport(answers)
        let time = VirtualTime()
        let client = ZImageClient(
            transport: transport.transport, apiKey: testKey,
            retryPolicy: RetryPolicy(maxAttempts: attempts), timekeeper: time.timekeeper)
        let error = try await #require(throws: ZImageError.self) {
            try await client.generate(ImageRequest(prompt: "p"))
        }
        guard let failure = error.apiFailure else {
            Issue.record("expected .api, got \(error)")
            return
        }
        #expect(failure.status == row.status)
        #expect(failure.code == row.code)
        #expect(failure.message == "what went wrong")
        #expect(failure.requestID == "rid-\(row.status)")
        #expect(failure.isRetryable == row.retried)
        #expect(transport.requestCount == (row.retried ? attempts : 1))
        #expect(failure.attempts == (row.retried ? attempts : 1))
        #expect(error.exitCode == 1)
        for text in ["HTTP \(row.status)", row.code, "what went wrong", "rid-\(row.status)"] {
            #expect(error.description.contains(text))
        }
    }

    @Test(
        "a 401 says that keys are issued per region, and which region to try",
        arguments: [
            (Region.beijing, "--region singapore"), (Region.singapore, "--region beijing"),
        ])
    func unauthorizedNamesTheRegion(region: Region, hint: String) async throws {
        let transport = ScriptedTransport([.error(401, code: "InvalidApiKey", message: "Invalid API-key provided.")])
        let client = ZImageClient(transport: transport.transport, apiKey: testKey, region: region)
        let error = try await #require(throws: ZImageError.self) {
            try await client.generate(ImageRequest(prompt: "p"))
        }
        #expect(error.description.contains("issued per region"))
        #expect(error.description.contains(region.host))
        #expect(error.description.contains(hint))
    }

    @Test("an error status with a body that is not JSON still gives the status")
    func nonJSONError() async throws {
        let transport = ScriptedTransport([.respond(status: 502, body: Data("<html>Bad Gateway</html>".utf8))])
        let client = ZImageClient(transport: transport.transport, apiKey: testKey, retryPolicy: .never)
        let error = try await #require(throws: ZImageError.self) {
            try await client.generate(ImageRequest(prompt: "p"))
        }
        guard let failure = error.apiFailure else {
            Issue.record("expected .api, got \(error)")
            return
        }
        #expect(failure.status == 502 && failure.code == nil && failure.isRetryable)
    }

    @Test("the request carries the contract's headers and goes to the region's endpoint")
    func requestShape() async throws {
        let request = ImageRequest(prompt: "p", seed: 7)
        let transport = ScriptedTransport([.json(200, successBody(request))])
        let client = ZImageClient(transport: transport.transport, apiKey: testKey, region: .singapore)
        _ = try await client.generate(request)
        let (head, body) = try #require(transport.requests.first)
        #expect(head.method == .post)
        #expect(head.scheme == "https" && head.authority == "dashscope-intl.aliyuncs.com")
        #expect(head.path == "/api/v1/services/aigc/multimodal-generation/generation")
        #expect(head.headerFields[.authorization] == "Bearer \(testKey.value)")
        #expect(head.headerFields[.contentType] == "application/json")
        #expect(try body == WireFormat.encodeRequest(request))
    }
}

@Suite("No secret in errors, logs or descriptions")
struct RedactionTests {
    @Test("an API key never prints itself")
    func keyDoesNotPrint() {
        var dumped = ""
        dump(testKey, to: &dumped)
        for text in ["\(testKey)", String(describing: testKey), String(reflecting: testKey), dumped, "\([testKey])"] {
            #expect(!text.contains(testKey.value), "\(text)")
        }
    }

    @Test("a server that echoes the key gets it redacted from the error, and the logs never hold it")
    func echoedKeyIsRedacted() async throws {
        let (logger, lines) = memoryLogger()
        let transport = ScriptedTransport([
            .error(500, code: "InternalError", message: "failed for key \(testKey.value)"),
            .json(
                401,
                #"{"code":"InvalidApiKey","message":"Invalid API-key provided: \#(testKey.value)","request_id":"r"}"#),
        ])
        let time = VirtualTime()
        let client = ZImageClient(
            transport: transport.transport, apiKey: testKey, timekeeper: time.timekeeper, logger: logger)
        let error = try await #require(throws: ZImageError.self) {
            try await client.generate(ImageRequest(prompt: "p"))
        }
        #expect(!error.description.contains(testKey.value))
        #expect(error.description.contains("<redacted>"))
        #expect(!"\(error)".contains(testKey.value))
        #expect(!lines().isEmpty)
        #expect(!lines().contains { $0.contains(testKey.value) })
    }

    @Test("errors are told apart by code: a catch pattern, ==, and typed details only for their own code")
    func matchedByCode() async throws {
        let transport = ScriptedTransport([
            .error(400, code: "InvalidParameter", requestID: "req-9"),
            .error(400, code: "InvalidParameter", requestID: "req-10"),
        ])
        let client = ZImageClient(transport: transport.transport, apiKey: testKey)
        do {
            _ = try await client.generate(ImageRequest(prompt: "p"))
            Issue.record("a 400 answer did not fail")
        } catch ZImageError.Code.transport {
            Issue.record("a 400 answer matched the transport code")
        } catch ZImageError.Code.apiError {
            // The catch pattern matched; the details are there too.
        }
        let error = try await #require(throws: ZImageError.self) {
            try await client.generate(ImageRequest(prompt: "p"))
        }
        #expect(error.code == .apiError && error.code != .transport && "\(error.code)" == "api_error")
        #expect(error.transportFailure == nil && error.invalidRequest == nil && error.downloadFailure == nil)
        let invalid = try #require(throws: ZImageError.self) {
            try ImageRequest(prompt: "", size: nil, seed: nil, baseURL: nil)
        }
        #expect(
            invalid.code == .invalidRequest && invalid.invalidRequest?.field == "prompt" && invalid.apiFailure == nil)
    }

    @Test("an undecodable body that contains the key is excerpted without it")
    func undecodableExcerpt() async throws {
        let transport = ScriptedTransport([.json(200, "oops \(testKey.value) oops")])
        let client = ZImageClient(transport: transport.transport, apiKey: testKey)
        let error = try await #require(throws: ZImageError.self) {
            try await client.generate(ImageRequest(prompt: "p"))
        }
        guard let failure = error.undecodableResponse else {
            Issue.record("expected .undecodableResponse, got \(error)")
            return
        }
        #expect(failure.bodyExcerpt == "oops <redacted> oops")
    }

    @Test("logs of a successful generation at trace level hold no key and no Authorization value")
    func successLogs() async throws {
        let (logger, lines) = memoryLogger()
        let request = ImageRequest(prompt: "p")
        let transport = ScriptedTransport([.json(200, successBody(request))])
        let client = ZImageClient(transport: transport.transport, apiKey: testKey, logger: logger)
        _ = try await client.generate(request)
        #expect(lines().count >= 2)
        #expect(!lines().contains { $0.contains(testKey.value) || $0.contains("Bearer") })
    }
}

/// A logger at trace level into swift-log's in-memory handler, and every line it kept as text (level, message, metadata).
func memoryLogger() -> (Logger, @Sendable () -> [String]) {
    var configured = InMemoryLogHandler()
    configured.logLevel = .trace
    let handler = configured
    let logger = Logger(label: "test") { _ in handler }
    return (
        logger,
        {
            handler.entries.map { entry in
                let metadata = entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                    separator: " ")
                return "\(entry.level) \(entry.message) \(metadata)"
            }
        }
    )
}

@Suite("Errors an app can show as they are")
struct LocalizedErrorTests {
    @Test("localizedDescription is the sentence itself, not Foundation's generic text")
    func localized() throws {
        let error: any Error = ZImageError.invalidRequest(
            .init(field: "size", problem: "is 1*1", allowed: "512*512 to 2048*2048 pixels"))
        #expect(error.localizedDescription == "\(error)")
        #expect(
            !error.localizedDescription.contains("couldn’t be completed") && error.localizedDescription.contains("size")
        )
        let transport: any Error = TransportError(.timeout, "dashscope.aliyuncs.com did not answer within 300 s")
        #expect(transport.localizedDescription == "\(transport)")
    }
}
