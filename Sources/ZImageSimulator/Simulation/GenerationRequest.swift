import Foundation
import ZImage

/// A generation request as the simulated API reads it, with the API's own refusals.
///
/// Documented by CONTRACT.md: the model, the one user message with one text item, the size range, the seed range,
/// `num_images_per_prompt must be 1`, the silent cut of prompts over 800 characters, and the `1024*1536` default size.
/// The wording of the other messages is inferred.
struct Generation {
    var prompt: String
    var width: Int
    var height: Int
    var seed: Int?
    var promptExtend: Bool

    struct Refusal: Error {
        var status = 400
        var code = "InvalidParameter"
        var message: String
    }

    static func parse(_ body: Data) -> Result<Generation, Refusal> {
        do {
            return .success(try read(JSONDecoder().decode(Body.self, from: body)))
        } catch let refusal as Refusal {
            return .failure(refusal)
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let path = context.codingPath.map(\.stringValue)
            let message = switch path.last {
            case "prompt_extend": "prompt_extend must be true or false."
            case "seed": "seed must be an integer from 0 to 2147483647."
            case "n": "num_images_per_prompt must be 1"
            default: "The request body does not have the expected shape at \(path.joined(separator: "."))."
            }
            return .failure(Refusal(message: message))
        } catch {
            return .failure(Refusal(message: "The request body is not valid JSON."))
        }
    }

    private static func read(_ body: Body) throws -> Generation {
        guard let model = body.model else { throw Refusal(message: "Model not specified.") }
        guard model == WireFormat.model else {
            throw Refusal(status: 404, code: "ModelNotFound", message: "Model not found: \(model).")
        }
        guard let messages = body.input?.messages, messages.count == 1, messages[0].role == "user",
              let content = messages[0].content, content.count == 1, let text = content[0].text
        else {
            throw Refusal(message: "input.messages must hold exactly one user message with exactly one text item.")
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Refusal(message: "The prompt text must not be empty.")
        }
        let prompt = String(String.UnicodeScalarView(text.unicodeScalars.prefix(ImageRequest.maxPromptLength)))

        let parameters = body.parameters ?? Body.Parameters()
        if let n = parameters.n, n != 1 { throw Refusal(message: "num_images_per_prompt must be 1") }
        let sizeText = parameters.size ?? "1024*1536"
        let sides = sizeText.split(separator: "*", omittingEmptySubsequences: false).map { Int($0) }
        guard sides.count == 2, let width = sides[0], let height = sides[1],
              ImageSize.sideRange.contains(width), ImageSize.sideRange.contains(height)
        else {
            throw Refusal(message: "The size \(sizeText) is not supported: use W*H with each side from 512 to 2048.")
        }
        if let seed = parameters.seed, !ImageRequest.seedRange.contains(seed) {
            throw Refusal(message: "seed must be an integer from 0 to 2147483647.")
        }
        return Generation(prompt: prompt, width: width, height: height, seed: parameters.seed,
                          promptExtend: parameters.promptExtend ?? false)
    }

    private struct Body: Decodable {
        var model: String?
        var input: Input?
        var parameters: Parameters?

        struct Input: Decodable {
            var messages: [Message]?
        }

        struct Message: Decodable {
            var role: String?
            var content: [Item]?
        }

        struct Item: Decodable {
            var text: String?
        }

        struct Parameters: Decodable {
            var size: String?
            var promptExtend: Bool?
            var seed: Int?
            var n: Int?

            enum CodingKeys: String, CodingKey {
                case size, seed, n
                case promptExtend = "prompt_extend"
            }
        }
    }
}
