import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTestSupport

@Suite("Wire format: docs/CONTRACT.md's documented payloads")
struct WireFormatTests {
    @Test("the documented request body comes out of the equivalent ImageRequest")
    func documentedRequestBody() throws {
        let request = ImageRequest(prompt: DocumentedExamples.prompt, size: .default, seed: 1234, promptExtend: false)
        let body = try WireFormat.encodeRequest(request)
        #expect(try CanonicalJSON.normalize(body) == CanonicalJSON.normalize(Data(DocumentedExamples.requestBody.utf8)))
    }

    @Test("seed is left out when not given, and n, negative_prompt and watermark are never sent")
    func optionalFieldsLeftOut() throws {
        let body = try WireFormat.encodeRequest(ImageRequest(prompt: "x"))
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let parameters = try #require(json["parameters"] as? [String: Any])
        #expect(Set(parameters.keys) == ["size", "prompt_extend"])
        #expect(parameters["size"] as? String == "1024*1024")
        #expect(Set(json.keys) == ["model", "input", "parameters"])
        #expect(json["model"] as? String == "z-image-turbo")
    }

    @Test("the documented Singapore answer decodes to the normalized result")
    func singaporeSuccess() throws {
        let request = ImageRequest(prompt: "Photo of a stylish young woman...")
        let result = try WireFormat.decodeSuccess(Data(DocumentedExamples.singaporeSuccess.utf8), for: request)
        #expect(
            result
                == ImageResult(
                    imageURL: "https://dashscope-result-sgp.oss-ap-southeast-1.aliyuncs.com/xxx.png?Expires=xxx",
                    width: 1024, height: 1024, prompt: "Photo of a stylish young woman...",
                    rewrittenPrompt: nil, reasoning: nil, requestID: "abf1645b-b630-433a-92f6-xxxxxx"))
    }

    @Test("the documented Beijing answer (other key order, 1120*1440) decodes with width and height from usage")
    func beijingSuccess() throws {
        let request = ImageRequest(prompt: "<the input prompt>", size: try ImageSize(width: 1120, height: 1440))
        let result = try WireFormat.decodeSuccess(Data(DocumentedExamples.beijingSuccess.utf8), for: request)
        #expect(result.imageURL == "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/xxx.png?Expires=xxx")
        #expect(result.width == 1120 && result.height == 1440)
        #expect(result.requestID == "8a0809b4-a796-47f4-a095-394b02b62xxx")
        #expect(result.rewrittenPrompt == nil && result.reasoning == nil)
    }

    @Test("usage, not the request, gives width and height")
    func sizeComesFromUsage() throws {
        let request = ImageRequest(prompt: "p", size: .default)
        let result = try WireFormat.decodeSuccess(Data(DocumentedExamples.beijingSuccess.utf8), for: request)
        #expect(result.width == 1120 && result.height == 1440)
    }

    @Test("with prompt_extend: rewritten_prompt from the text item, reasoning from message.reasoning_content")
    func promptExtend() throws {
        let body = """
            {"output":{"choices":[{"finish_reason":"stop","message":{"role":"assistant",
              "content":[{"text":"A tranquil lake at first light, mist over the water"},{"image":"https://h/x.png"}],
              "reasoning_content":"The user wants a calm scene; add mist and light."}}]},
             "usage":{"width":1024,"height":1024,"image_count":1,"input_tokens":80,"output_tokens":40,"total_tokens":120,
                      "output_tokens_details":{"reasoning_tokens":30}},
             "request_id":"r-extend"}
            """
        let extended = ImageRequest(prompt: "a lake", promptExtend: true)
        let result = try WireFormat.decodeSuccess(Data(body.utf8), for: extended)
        #expect(result.imageURL == "https://h/x.png")  // found by key, though it comes second
        #expect(result.rewrittenPrompt == "A tranquil lake at first light, mist over the water")
        #expect(result.reasoning == "The user wants a calm scene; add mist and light.")
        #expect(result.prompt == "a lake")

        let plain = try WireFormat.decodeSuccess(Data(body.utf8), for: ImageRequest(prompt: "a lake"))
        #expect(plain.rewrittenPrompt == nil)
        #expect(plain.reasoning == "The user wants a calm scene; add mist and light.")
    }

    @Test("reasoning inside content (the skill script's bug) is not where reasoning is read from")
    func reasoningIsNotAContentItem() throws {
        let body = """
            {"output":{"choices":[{"message":{"content":[{"image":"https://h/x.png"},{"reasoning_content":"wrong place"}],
              "reasoning_content":""}}]},"usage":{"width":1024,"height":1024},"request_id":"r"}
            """
        let result = try WireFormat.decodeSuccess(Data(body.utf8), for: ImageRequest(prompt: "p"))
        #expect(result.reasoning == nil)
    }

    @Test("the normalized result encodes to the skill's snake_case JSON, absent optionals left out")
    func resultJSON() throws {
        let result = ImageResult(imageURL: "https://h/x.png", width: 1024, height: 768, prompt: "p", requestID: "r")
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any])
        #expect(Set(json.keys) == ["image_url", "width", "height", "prompt", "request_id"])
        var extended = result
        extended.rewrittenPrompt = "q"
        extended.reasoning = "why"
        let full = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(extended)) as? [String: Any])
        #expect(full["rewritten_prompt"] as? String == "q" && full["reasoning"] as? String == "why")
        #expect(try JSONDecoder().decode(ImageResult.self, from: JSONEncoder().encode(extended)) == extended)
    }

    @Test(
        "a body without an image item, without choices, or not JSON is an undecodable response with an excerpt",
        arguments: [
            (#"{"output":{"choices":[{"message":{"content":[{"text":"t"}]}}]},"request_id":"r"}"#, "\"image\" key"),
            (#"{"output":{"choices":[]},"request_id":"r"}"#, "choices[0].message is missing"),
            ("<html>Bad gateway</html>", "not the documented JSON"),
            (#"{"output":{"choices":"nope"}}"#, "at output.choices"),
        ])
    func undecodable(body: String, reason: String) throws {
        #expect {
            try WireFormat.decodeSuccess(Data(body.utf8), for: ImageRequest(prompt: "p"))
        } throws: { error in
            guard let failure = (error as? ZImageError)?.undecodableResponse else { return false }
            return failure.reason.contains(reason) && failure.bodyExcerpt == String(body.prefix(200))
                && failure.status == 200
        }
    }

    @Test("the documented error body gives code, message and request id; a non-JSON body gives none")
    func errorBody() {
        let body = WireFormat.decodeError(Data(DocumentedExamples.errorBody.utf8))
        #expect(body.code == "InvalidParameter")
        #expect(body.message == "num_images_per_prompt must be 1")
        #expect(body.requestID == "a4d78a5f-655f-9639-8437-xxxxxx")
        #expect(WireFormat.decodeError(Data("<html>".utf8)) == .init(requestID: nil, code: nil, message: nil))
    }

    @Test("canonical JSON ignores key order and white space, and sees a changed value")
    func canonicalJSON() {
        #expect(
            CanonicalJSON.equal(
                Data(#"{"a":1,"b":{"c":[1,2]}}"#.utf8), Data("{ \"b\" : {\"c\":[1, 2]},\n \"a\":1 }".utf8)))
        #expect(!CanonicalJSON.equal(Data(#"{"a":1}"#.utf8), Data(#"{"a":2}"#.utf8)))
        #expect(!CanonicalJSON.equal(Data("not json".utf8), Data("not json".utf8)))
    }
}

@Suite("Reading a sent generation request (the simulator's and the contract checks' reader)")
struct SentRequestTests {
    @Test("the documented request body reads back to its fields")
    func documented() throws {
        let sent = try WireFormat.decodeRequest(Data(DocumentedExamples.requestBody.utf8))
        #expect(sent.model == "z-image-turbo" && sent.prompt == DocumentedExamples.prompt)
        #expect(sent.parameters == GenerationParameters(size: "1024*1024", seed: 1234, promptExtend: false))
        #expect(
            try ImageRequest(prompt: sent.prompt, parameters: sent.parameters).parameters == sent.parameters,
            "what the client encodes is what the simulator decodes")
    }

    @Test("undocumented parameters are reported by name")
    func undocumented() throws {
        let body =
            #"{"model":"z-image-turbo","input":{"messages":[{"role":"user","content":[{"text":"p"}]}]},"parameters":{"n":1,"watermark":false,"negative_prompt":"x"}}"#
        let parameters = try WireFormat.decodeRequest(Data(body.utf8)).parameters
        #expect(parameters.undocumented == ["n", "negative_prompt", "watermark"])
        let error = try #require(throws: ZImageError.self) { try ImageRequest(prompt: "p", parameters: parameters) }
        #expect(error.invalidRequest?.field == "n" && error.description.contains("does not document"), "\(error)")
    }

    @Test(
        "a body that is not a generation request names the field",
        arguments: [
            ("[]", "body"),
            (#"{"input":{"messages":[{"role":"user","content":[{"text":"p"}]}]}}"#, "model"),
            (#"{"model":"m","input":{"messages":[{"role":"system","content":[{"text":"p"}]}]}}"#, "input.messages"),
            (
                #"{"model":"m","input":{"messages":[{"role":"user","content":[{"text":"p"},{"text":"q"}]}]}}"#,
                "input.messages"
            ),
            (
                #"{"model":"m","input":{"messages":[{"role":"user","content":[{"text":"p"}]}]},"parameters":{"seed":1.5}}"#,
                "seed"
            ),
            (
                #"{"model":"m","input":{"messages":[{"role":"user","content":[{"text":"p"}]}]},"parameters":{"prompt_extend":"yes"}}"#,
                "prompt_extend"
            ),
        ])
    func badShape(body: String, field: String) {
        #expect(throws: WireFormat.RequestShapeError.self) { try WireFormat.decodeRequest(Data(body.utf8)) }
        do {
            _ = try WireFormat.decodeRequest(Data(body.utf8))
        } catch let error as WireFormat.RequestShapeError {
            #expect(error.field == field, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite("Canonical JSON: one spelling per document")
struct CanonicalJSONTests {
    @Test(
        "equal documents in other spellings normalize to the same bytes",
        arguments: [
            (#"{"b":1,"a":[true,null,"x"]}"#, " {\n \"a\" : [ true , null , \"x\" ] , \"b\" : 1 } "),
            (#"{"s":"\u00e9\n\"q\"\/"}"#, #"{"s":"é\n\"q\"/"}"#),
            (#"{"n":1.0,"m":-0.5,"e":1e2}"#, #"{"e":100,"m":-5e-1,"n":1}"#),
            (#"{"emoji":"\ud83d\ude00"}"#, #"{"emoji":"😀"}"#),
            (#"[{"z":{"y":1,"x":2}}]"#, #"[{"z":{"x":2,"y":1}}]"#),
        ])
    func sameDocument(left: String, right: String) throws {
        #expect(try CanonicalJSON.normalize(Data(left.utf8)) == CanonicalJSON.normalize(Data(right.utf8)))
    }

    @Test("the canonical form is compact with sorted keys")
    func form() throws {
        let canonical = try CanonicalJSON.normalize(Data(#" { "b" : [1, 2.5, "t\tab"], "a" : {} } "#.utf8))
        #expect(String(decoding: canonical, as: UTF8.self) == #"{"a":{},"b":[1,2.5,"t\tab"]}"#)
    }

    @Test(
        "different documents stay different",
        arguments: [
            (#"{"a":1}"#, #"{"a":2}"#), (#"{"a":"1"}"#, #"{"a":1}"#), (#"[1,2]"#, #"[2,1]"#), (#"{"a":null}"#, #"{}"#),
        ])
    func differentDocuments(left: String, right: String) throws {
        #expect(try CanonicalJSON.normalize(Data(left.utf8)) != CanonicalJSON.normalize(Data(right.utf8)))
    }

    @Test(
        "what is not JSON is refused",
        arguments: [
            "", "{", #"{"a":}"#, #"{"a":1,}"#, "[1 2]", "tru", #""\x""#, "01x", "{\"a\":\"\u{01}\"}", #"{"a":1} extra"#,
            "nan",
        ])
    func invalid(text: String) {
        #expect(throws: CanonicalJSON.InvalidJSON.self) { try CanonicalJSON.normalize(Data(text.utf8)) }
    }
}
