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
    /// The full endpoint URL to send to instead of the region's (the skill's `DASHSCOPE_BASE_URL`); http or https only.
    public var baseURL: URL?
    /// The parameters besides the size, as they are sent (`GenerationParameters`, where each is defined); the typed
    /// properties below read and write them.
    private var otherParameters: GenerationParameters

    /// The random seed, from 0 to 2,147,483,647; omitted from the request when `nil`.
    public var seed: Int? {
        get { otherParameters.seed }
        set { otherParameters.seed = newValue }
    }

    /// Whether DashScope rewrites the prompt first (slower, billed higher). Off by default.
    public var promptExtend: Bool {
        get { otherParameters.promptExtend ?? false }
        set { otherParameters.promptExtend = newValue }
    }

    /// Creates a request from typed values. Call ``validate()`` (or let the client do it) before use.
    public init(
        prompt: String, size: ImageSize = .default, seed: Int? = nil, promptExtend: Bool = false, baseURL: URL? = nil
    ) {
        self.prompt = prompt
        self.size = size
        self.baseURL = baseURL
        self.otherParameters = GenerationParameters(seed: seed, promptExtend: promptExtend)
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
        self.prompt = prompt
        self.size = try parameters.size.map(ImageSize.init(parsing:)) ?? .default
        self.baseURL = try baseURL.map(Self.parseBaseURL)
        var others = parameters
        others.size = nil
        others.promptExtend = parameters.promptExtend ?? false
        self.otherParameters = others
        try validate()
    }

    /// The `parameters` object this request sends: its size, and every other parameter that is set (`prompt_extend`
    /// always).
    package var parameters: GenerationParameters {
        var sent = otherParameters
        sent.size = size.description
        return sent
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
        // The size is an ImageSize, sound by construction; every other parameter is held to the API's own refusals.
        let sent = parameters
        for parameter in GenerationParameters.all where parameter.key != .size && parameter.refusal(sent) != nil {
            throw Self.invalid(
                parameter.key.rawValue, "is \(sent.value(of: parameter.key))", parameter.allowed)
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
