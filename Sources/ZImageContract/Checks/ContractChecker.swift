import Foundation
import ZImage
package import ZImageCassettes

/// Checks recorded exchanges against DashScope's contract (docs/CONTRACT.md), when recorded and when loaded; the cassette
/// layer is handed ``contract`` and runs it without knowing the API:
/// - a generation request is the documented shape and a valid request;
/// - a 200 answer to it decodes to the normalized result, with a `request_id`, and the image the cassette downloads from
///   its URL is a PNG of the size `usage` states;
/// - an error answer from the API has `code`, `message` and `request_id`;
/// - a 200 models list has `data`.
package enum ContractChecker {
    /// The check recorders and linters are given: ``check(_:)``.
    package static let contract: CassetteContract = { check($0) }

    /// Every violation in the cassette: of each interaction, and a region this package does not know.
    package static func check(_ cassette: Cassette) -> [ContractViolation] {
        var violations = cassette.interactions.indices.flatMap {
            check(interaction: cassette.interactions[$0], at: $0, in: cassette)
        }
        if let region = cassette.region, Region(name: region) == nil {
            violations.append(
                ContractViolation(interaction: nil, problem: "region \(region) is not one of \(Region.allowedNames)"))
        }
        return violations
    }

    /// The violations of one interaction (the others of `cassette` supply the image downloads).
    static func check(interaction: Interaction, at position: Int, in cassette: Cassette) -> [ContractViolation] {
        var problems: [String] = []
        let path = URLComponents(string: interaction.request.url)?.path ?? ""
        let response = interaction.response
        let isAPI = DashScopeAPI.apiPathPrefixes.contains { path.hasPrefix($0) }

        if path.hasSuffix(DashScopeAPI.generationPath) {
            switch generationRequest(interaction.request.body) {
            case .failure(let problem):
                problems.append("the request breaks the contract: \(problem)")
            case .success(let request) where response.status == 200:
                do {
                    let result = try WireFormat.decodeSuccess(response.body, for: request)
                    if result.requestID.isEmpty { problems.append("the answer has no request_id") }
                    if let image = downloadOf(result.imageURL, in: cassette), image.response.status == 200 {
                        do {
                            let header = try PNGImage(verifying: image.response.body)
                            if header.width != result.width || header.height != result.height {
                                problems.append(
                                    "the image is \(header.width)*\(header.height), but usage says \(result.width)*\(result.height)"
                                )
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
            if case .object(let object)? = JSONValue(parsing: response.body), object["data"] != nil {
            } else {
                problems.append("the models list has no \"data\"")
            }
        }
        if isAPI, response.status >= 400 {
            let error = WireFormat.decodeError(response.body)
            let missing = [("code", error.code), ("message", error.message), ("request_id", error.requestID)]
                .filter { $0.1?.isEmpty ?? true }.map(\.0)
            if !missing.isEmpty {
                problems.append("the HTTP \(response.status) error body lacks \(missing.joined(separator: ", "))")
            }
        }
        return problems.map { ContractViolation(interaction: position, problem: $0) }
    }

    /// The image download of `imageURL` in `cassette`, matched like a replay would.
    static func downloadOf(_ imageURL: String, in cassette: Cassette) -> Interaction? {
        cassette.firstInteraction(matching: RecordedRequest(method: "GET", url: imageURL), rules: .dashScope)
    }

    /// The normalized request behind a recorded generation body, or why it breaks the contract: the body is read as
    /// the simulator reads it (``WireFormat/decodeRequest(_:)``), then held to the client's stricter rules.
    static func generationRequest(_ body: Data?) -> Result<ImageRequest, Problem> {
        do {
            let sent = try WireFormat.decodeRequest(body ?? Data())
            guard sent.model == DashScopeAPI.model else {
                return .failure(Problem("model is not \(DashScopeAPI.model)"))
            }
            if let undocumented = sent.parameters.undocumented.first {
                return .failure(Problem("parameters.\(undocumented) is sent, which this model does not document"))
            }
            return .success(try ImageRequest(prompt: sent.prompt, parameters: sent.parameters))
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
