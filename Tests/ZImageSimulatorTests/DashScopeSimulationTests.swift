import CZlib
import Foundation
import HTTPTypes
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageSimulator

@Suite("The simulated API: validation, answers and images, called without sockets")
struct DashScopeSimulationTests {
    static let key = "sk-test-sim-5a6b7c8d"
    let base = URL(string: "http://127.0.0.1:9")!

    func post(_ body: String, key: String = key, region: Region = .beijing) async -> (Int, [String: Any]) {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(key)"
        let request = SimulatorRequest(
            method: .post, path: DashScopeAPI.generationPath, query: nil,
            headerFields: fields, body: Data(body.utf8), serverBaseURL: base)
        let response = await DashScopeSimulation(region: region, acceptedKeys: [Self.key]).respond(to: request)
        let json = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        return (response.status, json)
    }

    static func body(
        prompt: String = "a lake", parameters: String = #""size":"1024*1024""#, model: String = "z-image-turbo"
    ) -> String {
        #"{"model":"\#(model)","input":{"messages":[{"role":"user","content":[{"text":"\#(prompt)"}]}]},"parameters":{\#(parameters)}}"#
    }

    @Test("the documented request is answered in the documented shape, and the client reads it")
    func documentedRequest() async throws {
        let (status, json) = await post(DocumentedExamples.requestBody)
        #expect(status == 200)
        let usage = try #require(json["usage"] as? [String: Any])
        #expect(usage["width"] as? Int == 1024 && usage["height"] as? Int == 1024 && usage["image_count"] as? Int == 1)
        #expect(json["request_id"] as? String != nil)
        let data = try JSONSerialization.data(withJSONObject: json)
        let result = try WireFormat.decodeSuccess(
            data, for: ImageRequest(prompt: DocumentedExamples.prompt, seed: 1234))
        #expect(result.imageURL.contains("/results/beijing/1024x1024/"))
        #expect(
            result.imageURL.contains("Expires=") && result.imageURL.contains("OSSAccessKeyId=")
                && result.imageURL.contains("Signature="))
    }

    @Test("each region answers with its documented key order of message and usage")
    func regionKeyOrder() async throws {
        for (region, messageStart, usageStart) in [
            (Region.singapore, #"{"role""#, #""usage":{"width""#),
            (.beijing, #"{"content""#, #""usage":{"height""#),
        ] {
            var fields = HTTPFields()
            fields[.authorization] = "Bearer \(Self.key)"
            let response = await DashScopeSimulation(region: region, acceptedKeys: [Self.key]).respond(
                to: SimulatorRequest(
                    method: .post, path: DashScopeAPI.generationPath, query: nil, headerFields: fields,
                    body: Data(Self.body().utf8), serverBaseURL: base))
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(text.contains(#""message":"# + messageStart), "\(region): \(text)")
            #expect(text.contains(usageStart), "\(region): \(text)")
        }
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var body: String
        var status: Int
        var code: String
        var message: String
        var testDescription: String { "\(status) \(code): \(message)" }
    }

    @Test(
        "requests the real API refuses are refused with its codes",
        arguments: [
            Refusal(body: "not json", status: 400, code: "InvalidParameter", message: "not valid JSON"),
            Refusal(body: body(model: "wanx-v1"), status: 404, code: "ModelNotFound", message: "wanx-v1"),
            Refusal(body: body(prompt: "  "), status: 400, code: "InvalidParameter", message: "must not be empty"),
            Refusal(
                body: body(parameters: #""size":"4096*1025""#), status: 400, code: "InvalidParameter",
                message: "4096*1025"),
            Refusal(
                body: body(parameters: #""size":"2048*127""#), status: 400, code: "InvalidParameter",
                message: "between 512*512 and 2048*2048"),
            Refusal(
                body: body(parameters: #""size":"1024""#), status: 400, code: "InvalidParameter",
                message: "not supported"),
            Refusal(
                body: body(parameters: #""size":"0512*512""#), status: 400, code: "InvalidParameter",
                message: "0512*512"),
            Refusal(
                body: body(parameters: #""size":"+1024*1024""#), status: 400, code: "InvalidParameter",
                message: "not supported"),
            Refusal(body: body(parameters: #""seed":-1"#), status: 400, code: "InvalidParameter", message: "seed"),
            Refusal(
                body: body(parameters: #""seed":2147483648"#), status: 400, code: "InvalidParameter", message: "seed"),
            Refusal(
                body: body(parameters: #""seed":1.5"#), status: 400, code: "InvalidParameter",
                message: "seed must be an integer"),
            Refusal(
                body: #"{"input":{"messages":[]}}"#, status: 400, code: "InvalidParameter",
                message: "Model not specified"),
            Refusal(
                body: body(parameters: #""prompt_extend":"yes""#), status: 400, code: "InvalidParameter",
                message: "prompt_extend"),
            Refusal(
                body: body(parameters: #""n":2"#), status: 400, code: "InvalidParameter",
                message: "num_images_per_prompt must be 1"),
            Refusal(
                body: body(prompt: "a \(DashScopeSimulation.inappropriateMarker)"), status: 400,
                code: "DataInspectionFailed",
                message: "inappropriate"),
            Refusal(
                body: #"{"model":"z-image-turbo","input":{"messages":[]}}"#, status: 400, code: "InvalidParameter",
                message: "exactly one user message"),
        ])
    func refusals(_ refusal: Refusal) async {
        let (status, json) = await post(refusal.body)
        #expect(status == refusal.status)
        #expect(json["code"] as? String == refusal.code)
        #expect((json["message"] as? String)?.contains(refusal.message) == true, "\(json)")
        #expect(json["request_id"] as? String != nil)
    }

    @Test(
        "what the live API was seen to accept is accepted: the total-pixel rule, and n = 1, watermark, negative_prompt",
        arguments: [
            #""size":"600*500""#, #""size":"4096*1024""#, #""size":"1024*256""#,
            #""size":"1024*1024","n":1,"watermark":false,"negative_prompt":"blurry","result_format":"message""#,
        ])
    func tolerated(_ parameters: String) async throws {
        let (status, json) = await post(Self.body(parameters: parameters))
        #expect(status == 200, "\(json)")
        let usage = try #require(json["usage"] as? [String: Any])
        let size = parameters.split(separator: "\"")[2].split(separator: "*").compactMap { Int($0) }
        #expect(usage["width"] as? Int == size[0] && usage["height"] as? Int == size[1])
    }

    @Test("an unknown key gets 401 InvalidApiKey")
    func unknownKey() async {
        let (status, json) = await post(Self.body(), key: "sk-test-other-000000")
        #expect(status == 401 && json["code"] as? String == "InvalidApiKey")
    }

    @Test("a prompt over 800 characters is cut silently, as the API does; the default size is the API's 1024*1536")
    func silentCutAndDefaultSize() async throws {
        let (status, json) = await post(Self.body(prompt: String(repeating: "a", count: 900), parameters: ""))
        #expect(status == 200)
        let message = try #require(
            ((json["output"] as? [String: Any])?["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])
        let text = try #require((message["content"] as? [[String: Any]])?.compactMap { $0["text"] as? String }.first)
        #expect(text.count == 800)
        let usage = try #require(json["usage"] as? [String: Any])
        #expect(usage["width"] as? Int == 1024 && usage["height"] as? Int == 1536)
    }

    @Test("prompt_extend adds a rewritten prompt, reasoning and reasoning_tokens")
    func promptExtend() async throws {
        let (status, json) = await post(Self.body(parameters: #""prompt_extend":true"#))
        #expect(status == 200)
        let usage = try #require(json["usage"] as? [String: Any])
        #expect((usage["output_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 40)
        let result = try WireFormat.decodeSuccess(
            try JSONSerialization.data(withJSONObject: json),
            for: ImageRequest(prompt: "a lake", promptExtend: true))
        #expect(result.rewrittenPrompt?.hasPrefix("a lake, ") == true && result.reasoning?.isEmpty == false)
    }

    @Test("the image URL serves a PNG of the requested size, the same bytes each time; expired, it is OSS's 403")
    func images() async throws {
        let (_, json) = await post(Self.body(parameters: #""size":"832*1248","seed":7"#))
        let data = try JSONSerialization.data(withJSONObject: json)
        let result = try WireFormat.decodeSuccess(
            data, for: ImageRequest(prompt: "a lake", size: try ImageSize(width: 832, height: 1248)))
        let url = try #require(URLComponents(string: result.imageURL))
        let simulation = DashScopeSimulation(acceptedKeys: [])
        func get(_ query: String?) async -> SimulatorResponse {
            await simulation.respond(
                to: SimulatorRequest(
                    method: .get, path: url.path, query: query, headerFields: HTTPFields(),
                    body: Data(), serverBaseURL: base))
        }
        let first = await get(url.query)
        let second = await get(url.query)
        #expect(first.status == 200 && first.headerFields[.contentType] == "image/png")
        let header = try PNGImage(verifying: first.body)
        #expect(header.width == 832 && header.height == 1248)
        #expect(first.body == second.body)
        #expect(first.body.count < 20_000)

        let encoded = await simulation.respond(
            to: SimulatorRequest(
                method: .get, path: url.path.replacingOccurrences(of: "/", with: "%2F"), query: url.query,
                headerFields: HTTPFields(), body: Data(), serverBaseURL: base))
        #expect(encoded.status == 200 && encoded.body == first.body, "an object key with %2F is the same object")

        for unsigned in [nil, "Expires=soon&OSSAccessKeyId=x&Signature=y", "Expires=4102444800&Signature=y"] {
            let refused = await get(unsigned)
            #expect(refused.status == 403, "\(unsigned ?? "no query")")
        }

        let expired = await get("Expires=1000&OSSAccessKeyId=x&Signature=y")
        #expect(expired.status == 403)
        #expect(String(decoding: expired.body, as: UTF8.self).contains("<Code>AccessDenied</Code>"))
    }

    @Test("the key is read from X-DashScope-ApiKey too; a wrong key in either header is refused")
    func apiKeyHeader() async throws {
        let header = try #require(HTTPField.Name(DashScopeAPI.apiKeyHeader))
        let simulation = DashScopeSimulation(acceptedKeys: [Self.key])
        func status(_ fields: HTTPFields) async -> Int {
            await simulation.respond(
                to: SimulatorRequest(
                    method: .post, path: DashScopeAPI.generationPath, query: nil, headerFields: fields,
                    body: Data(Self.body().utf8), serverBaseURL: base)
            ).status
        }
        var alone = HTTPFields()
        alone[header] = Self.key
        #expect(await status(alone) == 200)
        var conflicting = alone
        conflicting[.authorization] = "Bearer sk-test-other-000000"
        #expect(await status(conflicting) == 401)
        #expect(await status(HTTPFields()) == 401)
    }

    @Test(
        "another method on a path it serves gets 405 with Allow; off the API's paths it answers as OSS does, in XML",
        arguments: [
            (HTTPRequest.Method.get, DashScopeAPI.generationPath, 405, "POST", "application/json"),
            (.delete, DashScopeAPI.modelsPath, 405, "GET", "application/json"),
            (.put, DashScopeAPI.documentedModelsPath, 405, "GET", "application/json"),
            (.post, "/results/beijing/1024x1024/0.png", 405, "GET", "application/xml"),
            (.get, "/0", 404, nil, "application/xml"),
            (.get, "/api/v1/unknown", 404, nil, "application/json"),
        ] as [(HTTPRequest.Method, String, Int, String?, String)])
    func methodsAndPaths(method: HTTPRequest.Method, path: String, status: Int, allow: String?, type: String) async {
        let response = await DashScopeSimulation(acceptedKeys: [Self.key]).respond(
            to: SimulatorRequest(
                method: method, path: path, query: nil, headerFields: HTTPFields(), body: Data(),
                serverBaseURL: base))
        #expect(response.status == status)
        #expect(response.headerFields[.allow] == allow)
        #expect(response.headerFields[.contentType] == type)
    }

    @Test("the models list answers the probe with the right key only")
    func models() async {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(Self.key)"
        let simulation = DashScopeSimulation(acceptedKeys: [Self.key])
        let ok = await simulation.respond(
            to: SimulatorRequest(
                method: .get, path: DashScopeAPI.modelsPath, query: nil,
                headerFields: fields, body: Data(), serverBaseURL: base))
        #expect(ok.status == 200 && String(decoding: ok.body, as: UTF8.self).contains("z-image-turbo"))
        let refused = await simulation.respond(
            to: SimulatorRequest(
                method: .get, path: DashScopeAPI.modelsPath, query: nil,
                headerFields: HTTPFields(), body: Data(), serverBaseURL: base))
        #expect(refused.status == 401)
    }
}

@Suite("PNG encoder")
struct PNGEncoderTests {
    @Test(
        "the uncompressed fallback is a zlib stream that inflates to its input, across the 65,535-byte block limit",
        arguments: [0, 1, 65_535, 65_536, 200_000])
    func storedBlocks(count: Int) throws {
        let input = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let stream = PNGEncoder.stored(input)
        var output = [UInt8](repeating: 0, count: max(count, 1))
        var length = uLong(output.count)
        let status = uncompress(&output, &length, stream, uLong(stream.count))
        #expect(status == Z_OK)
        #expect(Array(output.prefix(Int(length))) == input)
    }

    @Test(
        "every side length at the edges gives a readable PNG of that size, small even at 2048*2048",
        arguments: [
            (512, 512), (2048, 2048), (513, 2047), (1, 1),
        ])
    func sizes(width: Int, height: Int) throws {
        let png = PNGEncoder.gradient(width: width, height: height, seed: [1, 2, 3, 4, 5, 6])
        let header = try PNGImage(verifying: png)
        #expect(header.width == width && header.height == height)
        #expect(png.count < 64 * 1024)
        // IEND and its CRC.
        #expect(png.suffix(12) == Data([0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]))
    }
}
