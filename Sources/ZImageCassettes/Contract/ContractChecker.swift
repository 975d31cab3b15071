import Foundation
import ZImage

/// A way a recorded exchange breaks CONTRACT.md.
public struct ContractViolation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The interaction's position in the cassette (0-based).
    public var interaction: Int
    /// What is wrong.
    public var problem: String

    public var description: String { "interaction #\(interaction): \(problem)" }
}

/// Checks recorded exchanges against CONTRACT.md, when recorded and when loaded:
/// - a generation request is the documented shape and a valid request;
/// - a 200 answer to it decodes to the normalized result, with a `request_id`, and the image the cassette downloads from
///   its URL is a PNG of the size `usage` states;
/// - an error answer from the API has `code`, `message` and `request_id`;
/// - a 200 models list has `data`.
public enum ContractChecker {
    /// Every violation in the cassette.
    public static func check(_ cassette: Cassette) -> [ContractViolation] {
        cassette.interactions.indices.flatMap { check(interaction: cassette.interactions[$0], at: $0, in: cassette) }
    }

    /// The violations of one interaction (the others of `cassette` supply the image downloads).
    public static func check(interaction: Interaction, at position: Int, in cassette: Cassette) -> [ContractViolation] {
        var problems: [String] = []
        let path = URLComponents(string: interaction.request.url)?.path ?? ""
        let response = interaction.response
        let isAPI = path.hasPrefix("/api/") || path.hasPrefix("/compatible-mode/")

        if path.hasSuffix("/services/aigc/multimodal-generation/generation") {
            switch generationRequest(interaction.request.body) {
            case .failure(let problem):
                problems.append("the request breaks the contract: \(problem)")
            case .success(let request) where response.status == 200:
                do {
                    let result = try WireFormat.decodeSuccess(response.body, for: request)
                    if result.requestID.isEmpty { problems.append("the answer has no request_id") }
                    if let image = downloadOf(result.imageURL, in: cassette), image.response.status == 200 {
                        do {
                            let header = try PNGHeader(image.response.body)
                            if header.width != result.width || header.height != result.height {
                                problems.append("the image is \(header.width)*\(header.height), but usage says \(result.width)*\(result.height)")
                            }
                        } catch {
                            problems.append("the downloaded image: \(error)")
                        }
                    }
                } catch {
                    problems.append("the answer does not decode: \(error)")
                }
            case .success:
                break
            }
        } else if path.hasSuffix("/models"), response.status == 200 {
            if case .object(let object)? = JSONValue(parsing: response.body), object["data"] != nil {} else {
                problems.append("the models list has no \"data\"")
            }
        }
        if isAPI, response.status >= 400 {
            let error = WireFormat.decodeError(response.body)
            let missing = [("code", error.code), ("message", error.message), ("request_id", error.requestID)]
                .filter { $0.1?.isEmpty ?? true }.map(\.0)
            if !missing.isEmpty { problems.append("the HTTP \(response.status) error body lacks \(missing.joined(separator: ", "))") }
        }
        return problems.map { ContractViolation(interaction: position, problem: $0) }
    }

    /// The image download of `imageURL` in `cassette`, matched like a replay would.
    static func downloadOf(_ imageURL: String, in cassette: Cassette) -> Interaction? {
        let wanted = RequestSignature(method: "GET", url: imageURL, body: nil)
        return cassette.interactions.first { RequestSignature(method: $0.request.method, url: $0.request.url, body: nil) == wanted }
    }

    /// The normalized request behind a recorded generation body, or why it breaks the contract: the body is read as
    /// the simulator reads it (``WireFormat/decodeRequest(_:)``), then held to the client's stricter rules.
    static func generationRequest(_ body: Data?) -> Result<ImageRequest, Problem> {
        do {
            let sent = try WireFormat.decodeRequest(body ?? Data())
            guard sent.model == WireFormat.model else { return .failure(Problem("model is not \(WireFormat.model)")) }
            if let undocumented = sent.undocumentedParameters.first {
                return .failure(Problem("parameters.\(undocumented) is sent, which this model does not document"))
            }
            return .success(try ImageRequest(prompt: sent.prompt, size: sent.size, seed: sent.seed,
                                             promptExtend: sent.promptExtend ?? false, baseURL: nil))
        } catch {
            return .failure(Problem("\(error)"))
        }
    }
}

/// A sentence saying why something breaks the contract.
struct Problem: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
