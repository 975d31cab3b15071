package import Foundation

/// The normalized request as the skill writes it (`{"prompt": …, "size": …, "seed": …, "prompt_extend": …, "base_url": …}`),
/// every field optional, so that command-line flags can fill in or override what a JSON document gives. The parameters
/// are ``GenerationParameters``, read with their own names and rules.
///
/// Reading is strict: an unknown field, or a field of the wrong JSON type, is an error that names it.
package struct RequestFields: Sendable, Hashable {
    /// The field names the skill's JSON may use: the prompt, the documented parameters, and the endpoint.
    package static let names = ["prompt"] + GenerationParameters.documented.map(\.rawValue) + ["base_url"]

    /// `prompt`: the text to draw.
    package var prompt: String?
    /// The parameters (`size`, `seed`, `prompt_extend`), as written.
    package var parameters: GenerationParameters
    /// `base_url`: the full endpoint URL, as written.
    package var baseURL: String?

    /// Creates fields.
    package init(
        prompt: String? = nil, parameters: GenerationParameters = GenerationParameters(), baseURL: String? = nil
    ) {
        self.prompt = prompt
        self.parameters = parameters
        self.baseURL = baseURL
    }

    /// Reads the skill's JSON.
    ///
    /// - Parameter source: where the JSON came from, for messages (`--request`, a file path).
    /// - Throws: ``ZImageError/invalidRequest(_:)`` naming the field (or `request` when the document is not a JSON object).
    package init(json data: Data, source: String) throws {
        let allowed = "a JSON object with the fields \(Self.names.joined(separator: ", "))"
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Self.invalid("request", "from \(source) is not valid JSON", allowed)
        }
        guard let fields = object as? [String: Any] else {
            throw Self.invalid("request", "from \(source) is not a JSON object", allowed)
        }
        if let unknown = fields.keys.sorted().first(where: { !Self.names.contains($0) }) {
            throw Self.invalid(
                unknown, "is not a known field (in \(source))", "only \(Self.names.joined(separator: ", "))")
        }
        do {
            self = try JSONDecoder().decode(Document.self, from: data).fields
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.last?.stringValue ?? "request"
            let expected =
                GenerationParameters.CodingKeys(rawValue: field).map(GenerationParameters.allowed) ?? "a string"
            throw Self.invalid(field, "has the wrong type (in \(source))", expected)
        }
    }

    /// These fields with every non-nil field of `overrides` put over them.
    package func overridden(by overrides: RequestFields) -> RequestFields {
        RequestFields(
            prompt: overrides.prompt ?? prompt, parameters: parameters.overridden(by: overrides.parameters),
            baseURL: overrides.baseURL ?? baseURL)
    }

    /// The validated request.
    ///
    /// - Throws: ``ZImageError/invalidRequest(_:)``; a missing prompt is one.
    package func request() throws -> ImageRequest {
        guard let prompt else {
            throw Self.invalid(
                "prompt", "is missing",
                "1 to \(GenerationParameters.maxPromptLength) characters of text (--prompt, or \"prompt\" in the request JSON)"
            )
        }
        return try ImageRequest(prompt: prompt, parameters: parameters, baseURL: baseURL)
    }

    /// The flat document: `prompt` and `base_url` beside the parameters, which read their own names from the same object.
    private struct Document: Decodable {
        var fields: RequestFields

        enum CodingKeys: String, CodingKey {
            case prompt
            case baseURL = "base_url"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            fields = RequestFields(
                prompt: try container.decodeField(String.self, forKey: .prompt),
                parameters: try GenerationParameters(from: decoder),
                baseURL: try container.decodeField(String.self, forKey: .baseURL))
        }
    }

    private static func invalid(_ field: String, _ problem: String, _ allowed: String) -> ZImageError {
        .invalidRequest(.init(field: field, problem: problem, allowed: allowed))
    }
}
