public import Foundation

/// The normalized request of docs/CONTRACT.md: what a user asks for, before it becomes DashScope's wire format.
///
/// ``validate()`` applies every local rule of the contract; ``ZImageClient`` calls it before anything is sent, so an invalid
/// request never reaches a transport.
public struct ImageRequest: Sendable, Hashable {
    /// The most characters (Unicode code points) a prompt may have; the API silently cuts longer text, we refuse it.
    package static let maxPromptLength = 800
    /// The seeds the API accepts.
    package static let seedRange = 0...2_147_483_647

    /// The text to draw. Required, not blank, at most ``maxPromptLength`` characters.
    public var prompt: String
    /// The image size; ``ImageSize/default`` (1024*1024) unless given.
    public var size: ImageSize
    /// The random seed, in ``seedRange``; omitted from the request when `nil`.
    public var seed: Int?
    /// Whether DashScope rewrites the prompt first (slower, billed higher). Off by default.
    public var promptExtend: Bool
    /// The full endpoint URL to send to instead of the region's (the skill's `DASHSCOPE_BASE_URL`); http or https only.
    public var baseURL: URL?

    /// Creates a request from typed values. Call ``validate()`` (or let the client do it) before use.
    public init(prompt: String, size: ImageSize = .default, seed: Int? = nil, promptExtend: Bool = false, baseURL: URL? = nil) {
        self.prompt = prompt
        self.size = size
        self.seed = seed
        self.promptExtend = promptExtend
        self.baseURL = baseURL
    }

    /// Creates and validates a request from the text a user typed: `size` as `W*H` or `WxH`, `baseURL` as a URL string.
    ///
    /// - Throws: ``ZImageError/invalidRequest(_:)`` naming the first field that breaks a rule.
    public init(prompt: String, size: String?, seed: Int?, promptExtend: Bool = false, baseURL: String?) throws {
        let parsedSize = try size.map(ImageSize.init(parsing:)) ?? .default
        let parsedURL = try baseURL.map(Self.parseBaseURL)
        self.init(prompt: prompt, size: parsedSize, seed: seed, promptExtend: promptExtend, baseURL: parsedURL)
        try validate()
    }

    /// Checks every local rule of the contract.
    ///
    /// - Throws: ``ZImageError/invalidRequest(_:)`` naming the field, what is wrong and what is allowed.
    public func validate() throws {
        let allowedPrompt = "1 to \(Self.maxPromptLength) characters of text"
        if prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw Self.invalid("prompt", prompt.isEmpty ? "is empty" : "is only white space", allowedPrompt)
        }
        let length = prompt.unicodeScalars.count
        if length > Self.maxPromptLength {
            throw Self.invalid("prompt", "has \(length) characters (the API would silently cut it)", allowedPrompt)
        }
        if let seed, !Self.seedRange.contains(seed) {
            throw Self.invalid("seed", "is \(seed)", "a whole number from 0 to \(Self.seedRange.upperBound)")
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
        let allowed = "an http:// or https:// URL of the full generation endpoint, e.g. \(Region.beijing.generationURL)"
        guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty
        else {
            throw invalid("base_url", "is \"\(text)\"", allowed)
        }
        return url
    }

    private static func invalid(_ field: String, _ problem: String, _ allowed: String) -> ZImageError {
        .invalidRequest(.init(field: field, problem: problem, allowed: allowed))
    }
}
