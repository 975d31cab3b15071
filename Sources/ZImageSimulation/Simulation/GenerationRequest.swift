import Foundation
import ZImage

/// A generation request as the simulated API reads it, with the API's own refusals.
///
/// Documented by docs/CONTRACT.md: the model, the one user message with one text item, the total pixel range, the seed range,
/// `size` as two positive whole numbers joined by `*` (``GenerationParameters/sizePattern``; what the API answers to a
/// sign, a leading zero or another separator is not documented, and the simulator refuses them, as docs/openapi.yaml says),
/// `num_images_per_prompt must be 1`, the silent cut of prompts over 800 characters, and the `1024*1536` default size.
/// The wording of the other messages is inferred. The body is read by ``WireFormat/decodeRequest(_:)``, as the contract
/// checks read it; only the API's rules are here.
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
            return .success(try read(WireFormat.decodeRequest(body)))
        } catch let refusal as Refusal {
            return .failure(refusal)
        } catch let error as WireFormat.RequestShapeError {
            let message =
                switch error.field {
                case "body": "The request body is not valid JSON."
                case "model": "Model not specified."
                case "input.messages": "input.messages must hold exactly one user message with exactly one text item."
                default:
                    GenerationParameters.CodingKeys(rawValue: error.field).flatMap {
                        GenerationParameters.parameter($0).typeRefusal
                    } ?? "The request body does not have the expected shape at \(error.field)."
                }
            return .failure(Refusal(message: message))
        } catch {
            return .failure(Refusal(message: "The request body is not valid JSON."))
        }
    }

    private static func read(_ sent: WireFormat.SentRequest) throws -> Generation {
        guard sent.model == DashScopeAPI.model else {
            throw Refusal(status: 404, code: "ModelNotFound", message: "Model not found: \(sent.model).")
        }
        guard !sent.prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Refusal(message: "The prompt text must not be empty.")
        }
        let prompt = String(
            String.UnicodeScalarView(sent.prompt.unicodeScalars.prefix(GenerationParameters.maxPromptLength)))
        let parameters = sent.parameters
        if let refusal = GenerationParameters.all.lazy.compactMap({ $0.refusal(parameters) }).first {
            throw Refusal(message: refusal)
        }
        let sizeText = parameters.size ?? GenerationParameters.apiDefaultSize
        guard let (width, height) = GenerationParameters.wireSize(sizeText) else {
            throw Refusal(message: "The size is not supported.")  // not reached: the size's own refusal comes first
        }
        return Generation(
            prompt: prompt, width: width, height: height, seed: parameters.seed,
            promptExtend: parameters.promptExtend ?? false)
    }
}
