public import Foundation

/// The normalized request of docs/CONTRACT.md: what a user asks for, before it becomes DashScope's wire format.
///
/// ``validate()`` applies every local rule of the contract; ``ZImageClient`` calls it before anything is sent, so an invalid
/// request never reaches a transport.
public struct ImageRequest: Sendable, Hashable {
    /// The text to draw. Required, not blank, at most 800 characters.
    public var prompt: String
    /// The image size; ``ImageSize/default`` (1024*1024) unless given.
    public var size: ImageSize
    /// The random seed, from 0 to 2,147,483,647; omitted from the request when `nil`.
    public var seed: Int?
    /// Whether DashScope rewrites the prompt first (slower, billed higher). Off by default.
    public var promptExtend: Bool
    /// The full endpoint URL to send to instead of the region's (the skill's `DASHSCOPE_BASE_URL`); http or https only.
    public var baseURL: URL?

    /// Creates a request from typed values. Call ``validate()`` (or let the client do it) before use.
    public init(
        prompt: String, size: ImageSize = .default, seed: Int? = nil, promptExtend: Bool = false, baseURL: URL? = nil
    ) {
        self.prompt = prompt
        self.size = size
        self.seed = seed
        self.promptExtend = promptExtend
        self.baseURL = baseURL
    }

    /// Creates and validates a request from the text a user typed: `size` as `W*H` or `WxH`, `baseURL` as a URL string.
    ///
    /// - Throws: ``ZImageError`` with code `invalidRequest` naming the first field that breaks a rule.
    package init(prompt: String, size: String?, seed: Int?, promptExtend: Bool = false, baseURL: String?) throws {
        try self.init(
            prompt: prompt, parameters: GenerationParameters(size: size, seed: seed, promptExtend: promptExtend),
            baseURL: baseURL)
    }

    /// Creates and validates a request from parameters as written (a request body, the skill's JSON, flags): a size as
    /// `W*H` or `WxH`, ``ImageSize/default`` when there is none.
    ///
    /// - Throws: ``ZImageError`` with code `invalidRequest` naming the first field that breaks a rule; a parameter this model
    ///   does not document is one.
    package init(prompt: String, parameters: GenerationParameters, baseURL: String? = nil) throws {
        if let name = parameters.undocumented.first, let key = GenerationParameters.CodingKeys(rawValue: name) {
            throw Self.invalid(name, "is sent, which this model does not document", GenerationParameters.allowed(key))
        }
        let size = try parameters.size.map(ImageSize.init(parsing:)) ?? .default
        self.init(
            prompt: prompt, size: size, seed: parameters.seed, promptExtend: parameters.promptExtend ?? false,
            baseURL: try baseURL.map(Self.parseBaseURL))
        try validate()
    }

    /// The `parameters` object this request sends: its size, seed when it has one, and `prompt_extend`.
    package var parameters: GenerationParameters {
        GenerationParameters(size: size.description, seed: seed, promptExtend: promptExtend)
    }

    /// Checks every local rule of the contract.
    ///
    /// - Throws: ``ZImageError`` with code `invalidRequest` naming the field, what is wrong and what is allowed.
    public func validate() throws {
        let maxLength = GenerationParameters.maxPromptLength
        let allowedPrompt = "1 to \(maxLength) characters of text"
        if prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw Self.invalid("prompt", prompt.isEmpty ? "is empty" : "is only white space", allowedPrompt)
        }
        let length = prompt.unicodeScalars.count
        if length > maxLength {
            throw Self.invalid("prompt", "has \(length) characters (the API would silently cut it)", allowedPrompt)
        }
        if let seed, !GenerationParameters.seedRange.contains(seed) {
            throw Self.invalid("seed", "is \(seed)", GenerationParameters.allowed(.seed))
        }
        if let baseURL {
            _ = try Self.parseBaseURL(baseURL.absoluteString)
        }
    }

    /// The endpoint this request goes to: ``baseURL`` when set, else the region's generation endpoint.
    package func endpoint(in region: Region) -> URL {
        baseURL ?? region.generationURL
    }

    private static func parseBaseURL(_ text: String) throws -> URL {
        let allowed =
            "an http:// or https:// URL of the full generation endpoint, without user:password@, e.g. "
            + "\(Region.beijing.generationURL)"
        if APIURL.carriesCredentials(text) {
            throw invalid("base_url", "is \"\(APIURL.shown(text))\", which \(APIURL.credentialsProblem)", allowed)
        }
        guard let url = APIURL.parse(text) else {
            throw invalid("base_url", "is \"\(text)\"", allowed)
        }
        return url
    }

    private static func invalid(_ field: String, _ problem: String, _ allowed: String) -> ZImageError {
        .invalidRequest(.init(field: field, problem: problem, allowed: allowed))
    }
}
