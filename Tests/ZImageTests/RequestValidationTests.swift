import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTestSupport

@Suite("Request validation: every rule of docs/CONTRACT.md, checked before anything is sent")
struct RequestValidationTests {
    struct BadInput: Sendable, CustomTestStringConvertible {
        var prompt = "A lake"
        var size: String?
        var seed: Int?
        var baseURL: String?
        var field: String
        var mentions: [String]

        var testDescription: String {
            "\(field): \(size ?? baseURL ?? seed.map(String.init) ?? "prompt of \(prompt.count)")"
        }
    }

    static let badInputs: [BadInput] = [
        .init(prompt: "", field: "prompt", mentions: ["is empty", "1 to 800 characters"]),
        .init(prompt: " \n\t ", field: "prompt", mentions: ["only white space", "1 to 800"]),
        .init(prompt: String(repeating: "a", count: 801), field: "prompt", mentions: ["801 characters", "1 to 800"]),
        .init(size: "abc", field: "size", mentions: ["\"abc\"", "262,144 (512*512) to 4,194,304 (2048*2048)"]),
        .init(size: "1024", field: "size", mentions: ["\"1024\"", "W*H"]),
        .init(size: "0*0", field: "size", mentions: ["width 0", "262,144 (512*512)"]),
        .init(size: "511*512", field: "size", mentions: ["511*512, 261632 pixels", "262,144 (512*512)"]),
        .init(size: "2049*2048", field: "size", mentions: ["2049*2048, 4196352 pixels", "4,194,304 (2048*2048)"]),
        .init(size: "2048*127", field: "size", mentions: ["2048*127, 260096 pixels"]),
        .init(size: "4096*1025", field: "size", mentions: ["4096*1025, 4198400 pixels"]),
        .init(size: "9999999999*9999999999", field: "size", mentions: ["far too many pixels"]),
        .init(size: "-5*100", field: "size", mentions: ["\"-5*100\"", "W*H"]),
        .init(size: "1024*", field: "size", mentions: ["\"1024*\""]),
        .init(seed: -1, field: "seed", mentions: ["is -1", "0 to 2147483647"]),
        .init(seed: 2_147_483_648, field: "seed", mentions: ["is 2147483648", "0 to 2147483647"]),
        .init(
            baseURL: "ftp://example.test/x", field: "base_url",
            mentions: ["\"ftp://example.test/x\"", "http:// or https://"]),
        .init(baseURL: "dashscope.aliyuncs.com/api", field: "base_url", mentions: ["http:// or https://"]),
        .init(baseURL: "", field: "base_url", mentions: ["http:// or https://"]),
    ]

    @Test("a bad request is a clear error naming the field and the allowed range", arguments: badInputs)
    func badRequest(_ input: BadInput) throws {
        let error = try #require(throws: ZImageError.self) {
            try ImageRequest(prompt: input.prompt, size: input.size, seed: input.seed, baseURL: input.baseURL)
        }
        guard let failure = error.invalidRequest else {
            Issue.record("expected invalidRequest, got \(error)")
            return
        }
        #expect(failure.field == input.field)
        for text in input.mentions {
            #expect(error.description.contains(text), "\(error.description) should mention \(text)")
        }
        #expect(error.description.hasPrefix("Invalid request: \(input.field) "))
        #expect(error.exitCode == 2)
    }

    @Test(
        "a bad request never reaches the transport",
        arguments: [
            ImageRequest(prompt: ""),
            ImageRequest(prompt: String(repeating: "字", count: 801)),
            ImageRequest(prompt: "p", seed: -1),
            ImageRequest(prompt: "p", seed: 2_147_483_648),
            ImageRequest(prompt: "p", baseURL: URL(string: "file:///etc/passwd")),
        ])
    func noTransportCall(_ request: ImageRequest) async {
        let transport = ScriptedTransport([])
        let client = ZImageClient(transport: transport.transport, apiKey: testKey)
        await #expect(throws: ZImageError.self) { try await client.generate(request) }
        #expect(transport.requestCount == 0)
    }

    struct GoodInput: Sendable {
        var prompt = "A lake"
        var size: String?
        var seed: Int?
        var expectedSize: String
    }

    @Test(
        "the good edges are accepted: the rule is on total pixels, not on a side",
        arguments: [
            GoodInput(size: "512*512", expectedSize: "512*512"),
            GoodInput(size: "2048*2048", expectedSize: "2048*2048"),
            GoodInput(size: "600*500", expectedSize: "600*500"),
            GoodInput(size: "1024*256", expectedSize: "1024*256"),
            GoodInput(size: "4096*1024", expectedSize: "4096*1024"),
            GoodInput(size: "1*262144", expectedSize: "1*262144"),
            GoodInput(size: "1024x768", expectedSize: "1024*768"),
            GoodInput(size: " 1024X768 ", expectedSize: "1024*768"),
            GoodInput(seed: 0, expectedSize: "1024*1024"),
            GoodInput(seed: 2_147_483_647, expectedSize: "1024*1024"),
            GoodInput(prompt: String(repeating: "a", count: 800), expectedSize: "1024*1024"),
            GoodInput(prompt: String(repeating: "湖", count: 800), expectedSize: "1024*1024"),
        ])
    func goodRequest(_ input: GoodInput) throws {
        let request = try ImageRequest(prompt: input.prompt, size: input.size, seed: input.seed, baseURL: nil)
        #expect(request.size.description == input.expectedSize)
        #expect(request.seed == input.seed)
        let body = try JSONSerialization.jsonObject(with: WireFormat.encodeRequest(request)) as? [String: Any]
        #expect((body?["parameters"] as? [String: Any])?["size"] as? String == input.expectedSize)
    }

    @Test("every recommended size is valid, and the default is 1024*1024")
    func recommendedSizes() throws {
        #expect(ImageSize.recommended.count == 33)
        for size in ImageSize.recommended {
            #expect(try ImageSize(parsing: size.description) == size)
        }
        #expect(ImageSize.default.description == "1024*1024")
    }

    @Test("each named size is a recommended one of its ratio, with no try")
    func namedSizes() {
        let named: [(ImageSize, String, Double)] = [
            (.square, "1024*1024", 1), (.squareLarge, "1536*1536", 1), (.landscape16x9, "1280*720", 16 / 9),
            (.portrait9x16, "720*1280", 9 / 16), (.landscape4x3, "1152*864", 4 / 3), (.portrait3x4, "864*1152", 3 / 4),
            (.landscape3x2, "1248*832", 3 / 2), (.portrait2x3, "832*1248", 2 / 3),
        ]
        for (size, text, ratio) in named {
            #expect(size.description == text)
            #expect(ImageSize.recommended.contains(size), "\(size)")
            #expect(abs(Double(size.width) / Double(size.height) - ratio) < 0.01, "\(size)")
        }
    }

    @Test("a base URL replaces the region's endpoint; without one the region decides")
    func endpoint() throws {
        let custom = try ImageRequest(prompt: "p", size: nil, seed: nil, baseURL: "http://127.0.0.1:8080/api/v1/gen")
        #expect(custom.endpoint(in: .singapore).absoluteString == "http://127.0.0.1:8080/api/v1/gen")
        let plain = ImageRequest(prompt: "p")
        #expect(
            plain.endpoint(in: .beijing).absoluteString
                == "https://dashscope.aliyuncs.com/api/v1/services/aigc/multimodal-generation/generation")
        #expect(
            plain.endpoint(in: .singapore).absoluteString
                == "https://dashscope-intl.aliyuncs.com/api/v1/services/aigc/multimodal-generation/generation")
    }

    @Test(
        "regions are found by name, id or alias, and nothing else",
        arguments: [
            ("beijing", Region.beijing), ("cn-beijing", .beijing), ("Singapore", .singapore),
            ("ap-southeast-1", .singapore),
            ("intl", .singapore),
        ])
    func regionNames(name: String, region: Region) {
        #expect(Region(name: name) == region)
    }

    @Test(
        "each region's built-in URLs are the ones docs/CONTRACT.md gives",
        arguments: [
            (Region.beijing, "dashscope.aliyuncs.com"), (.singapore, "dashscope-intl.aliyuncs.com"),
        ])
    func builtInURLs(region: Region, host: String) {
        #expect(
            region.generationURL.absoluteString
                == "https://\(host)/api/v1/services/aigc/multimodal-generation/generation")
        #expect(region.probeURL.absoluteString == "https://\(host)/compatible-mode/v1/models")
    }

    @Test("an unknown region name is refused")
    func unknownRegion() {
        #expect(Region(name: "hangzhou") == nil)
        #expect(
            Region.singapore.probeURL.absoluteString == "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/models")
    }
}

@Suite("The skill's request JSON: strict fields, flags on top")
struct RequestFieldsTests {
    @Test("every field is read, and flags override the document")
    func readAndOverride() throws {
        let json =
            #"{"prompt":"a lake","size":"1024x768","seed":7,"prompt_extend":true,"base_url":"http://127.0.0.1:1/x"}"#
        let fields = try RequestFields(json: Data(json.utf8), source: "--request")
        #expect(
            fields
                == RequestFields(
                    prompt: "a lake", parameters: GenerationParameters(size: "1024x768", seed: 7, promptExtend: true),
                    baseURL: "http://127.0.0.1:1/x"))
        let request = try fields.overridden(
            by: RequestFields(parameters: GenerationParameters(size: "512*512", promptExtend: false))
        )
        .request()
        #expect(
            request.size.description == "512*512" && request.seed == 7 && !request.promptExtend
                && request.prompt == "a lake")
    }

    @Test(
        "bad documents name the field",
        arguments: [
            ("{not json", "request", "not valid JSON"),
            ("[1,2]", "request", "not a JSON object"),
            (#"{"prompt":"p","n":2}"#, "n", "not a known field"),
            (#"{"prompt":"p","seed":"7"}"#, "seed", "whole number"),
            (#"{"prompt":"p","seed":1.5}"#, "seed", "whole number"),
            (#"{"prompt":"p","prompt_extend":1}"#, "prompt_extend", "true or false"),
            (#"{"prompt":42}"#, "prompt", "a string"),
        ])
    func badDocument(json: String, field: String, mentions: String) throws {
        let error = try #require(throws: ZImageError.self) {
            try RequestFields(json: Data(json.utf8), source: "--request")
        }
        guard let failure = error.invalidRequest else {
            Issue.record("expected invalidRequest, got \(error)")
            return
        }
        #expect(failure.field == field)
        #expect(error.description.contains(mentions), "\(error)")
    }

    @Test("a missing prompt is an error naming it")
    func missingPrompt() throws {
        let error = try #require(throws: ZImageError.self) {
            try RequestFields(parameters: GenerationParameters(size: "512*512")).request()
        }
        #expect(error.description.contains("prompt is missing"))
    }
}
