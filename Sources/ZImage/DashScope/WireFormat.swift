package import Foundation

/// DashScope's wire format for z-image-turbo (docs/CONTRACT.md "Request", "Success response", "Errors"), in one place, so the
/// client, the simulator, the replaying transport and the contract tests read and write it the same way.
package enum WireFormat {
    /// The JSON body of a generation request: one user message with one text item, and the parameters. `seed` is left out
    /// when the request has none; `n`, `negative_prompt` and `watermark` are never sent.
    package static func encodeRequest(_ request: ImageRequest) throws -> Data {
        let body = RequestBody(
            model: DashScopeAPI.model,
            input: .init(messages: [.init(role: "user", content: [.init(text: request.prompt)])]),
            parameters: request.parameters
        )
        return try canonicalEncoder.encode(body)
    }

    /// Reads a 200 answer into the normalized result.
    ///
    /// The image is the `content` item with an `image` key, wherever it stands; `reasoning` comes from
    /// `message.reasoning_content` (a sibling of `content`); `rewritten_prompt` is the `text` item, only when
    /// `prompt_extend` was asked for; width and height come from `usage`, falling back to the requested size.
    package static func decodeSuccess(_ data: Data, for request: ImageRequest, status: Int = 200) throws -> ImageResult
    {
        let body: ResponseBody
        do {
            body = try JSONDecoder().decode(ResponseBody.self, from: data)
        } catch {
            throw undecodable(status, "it is not the documented JSON (\(describe(error)))", data)
        }
        guard let message = body.output?.choices?.first?.message else {
            throw undecodable(status, "output.choices[0].message is missing", data)
        }
        guard let imageURL = message.content?.lazy.compactMap(\.image).first else {
            throw undecodable(status, "no item of output.choices[0].message.content has an \"image\" key", data)
        }
        let text = message.content?.lazy.compactMap(\.text).first
        let reasoning = message.reasoningContent.flatMap { $0.isEmpty ? nil : $0 }
        return ImageResult(
            imageURL: imageURL,
            width: body.usage?.width ?? request.size.width,
            height: body.usage?.height ?? request.size.height,
            prompt: request.prompt,
            rewrittenPrompt: request.promptExtend ? text : nil,
            reasoning: reasoning,
            requestID: body.requestID ?? ""
        )
    }

    /// A generation request body as sent, before any rule about its values: what the simulator answers to and what the
    /// contract checks of a recorded request read.
    package struct SentRequest: Sendable, Hashable {
        /// The model the body names (the simulator answers 404 for any but z-image-turbo).
        package var model: String
        /// The one text item of the one user message.
        package var prompt: String
        /// `parameters`, as sent (all absent when the body has none).
        package var parameters: GenerationParameters
    }

    /// Why a body is not a generation request: the field, and what is wrong with it.
    package struct RequestShapeError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The field: `body`, `model`, `input.messages`, or a parameter's name.
        package var field: String
        /// What is wrong.
        package var problem: String

        package var description: String { field == "body" ? problem : "\(field) \(problem)" }
    }

    /// Reads a generation request body: one user message with one text item, and the parameters' types.
    ///
    /// - Throws: ``RequestShapeError`` naming the field.
    package static func decodeRequest(_ data: Data) throws -> SentRequest {
        let body: SentBody
        do {
            body = try JSONDecoder().decode(SentBody.self, from: data)
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.last?.stringValue ?? "body"
            throw RequestShapeError(field: field, problem: "has the wrong type")
        } catch {
            throw RequestShapeError(field: "body", problem: "the body is not a JSON object")
        }
        guard let model = body.model else { throw RequestShapeError(field: "model", problem: "is missing") }
        guard let messages = body.input?.messages, messages.count == 1, messages[0].role == "user",
            let content = messages[0].content, content.count == 1, let prompt = content[0].text
        else {
            throw RequestShapeError(
                field: "input.messages", problem: "is not exactly one user message with exactly one text item")
        }
        return SentRequest(model: model, prompt: prompt, parameters: body.parameters ?? GenerationParameters())
    }

    private struct SentBody: Decodable {
        var model: String?
        var input: Input?
        var parameters: GenerationParameters?

        struct Input: Decodable { var messages: [Message]? }

        struct Message: Decodable {
            var role: String?
            var content: [Item]?
        }

        struct Item: Decodable { var text: String? }
    }

    /// The `code`, `message` and `request_id` of an error body, each `nil` when absent or when the body is not JSON.
    package static func decodeError(_ data: Data) -> ErrorBody {
        (try? JSONDecoder().decode(ErrorBody.self, from: data)) ?? ErrorBody(requestID: nil, code: nil, message: nil)
    }

    /// The error a 2xx body carries instead of a result (`code`, and no `output`), or `nil` for any other body.
    static func embeddedError(_ data: Data) -> ErrorBody? {
        guard case .object(let body)? = try? CanonicalJSON.parse(data), body["output"] == nil,
            case .string(let code)? = body["code"], !code.isEmpty
        else { return nil }
        func text(_ key: String) -> String? { if case .string(let value)? = body[key] { value } else { nil } }
        return ErrorBody(requestID: text("request_id"), code: code, message: text("message"))
    }

    /// An encoder that writes JSON with sorted keys and unescaped slashes: the same value always gives the same bytes.
    package static var canonicalEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// DashScope's error body: `{"request_id": …, "code": …, "message": …}`.
    package struct ErrorBody: Sendable, Hashable, Codable {
        /// The id of the failed call.
        package var requestID: String?
        /// The error code, such as `InvalidParameter`.
        package var code: String?
        /// The error message.
        package var message: String?

        private enum CodingKeys: String, CodingKey {
            case requestID = "request_id"
            case code, message
        }
    }

    // MARK: - Request shape

    struct RequestBody: Encodable {
        var model: String
        var input: Input
        var parameters: GenerationParameters

        struct Input: Encodable {
            var messages: [Message]
        }

        struct Message: Encodable {
            var role: String
            var content: [TextItem]
        }

        struct TextItem: Encodable {
            var text: String
        }
    }

    // MARK: - Response shape (lenient: every field optional, the checks above say what is missing)

    struct ResponseBody: Decodable {
        var output: Output?
        var usage: Usage?
        var requestID: String?

        enum CodingKeys: String, CodingKey {
            case output, usage
            case requestID = "request_id"
        }

        struct Output: Decodable {
            var choices: [Choice]?
        }

        struct Choice: Decodable {
            var message: Message?
        }

        struct Message: Decodable {
            var content: [ContentItem]?
            var reasoningContent: String?

            enum CodingKeys: String, CodingKey {
                case content
                case reasoningContent = "reasoning_content"
            }
        }

        struct ContentItem: Decodable {
            var image: String?
            var text: String?
        }

        struct Usage: Decodable {
            var width: Int?
            var height: Int?
        }
    }

    // MARK: - Helpers

    /// The first `limit` characters of a body as text, for error messages.
    static func excerpt(_ data: Data, limit: Int = 200) -> String {
        let text = String(decoding: data.prefix(limit * 4), as: UTF8.self)
        let cut = text.prefix(limit)
        return cut.count < text.count ? cut + "…" : String(cut)
    }

    private static func undecodable(_ status: Int, _ reason: String, _ data: Data) -> ZImageError {
        .undecodableResponse(.init(status: status, reason: reason, bodyExcerpt: excerpt(data)))
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "at \(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
