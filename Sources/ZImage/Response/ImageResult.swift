/// The normalized response of docs/CONTRACT.md: what a generation produced, independent of DashScope's wire format.
///
/// Encodes to the snake_case JSON the skill prints with `--print-response`; the optional fields are left out when absent.
public struct ImageResult: Sendable, Hashable, Codable {
    /// The signed URL of the PNG; valid 24 hours; fetch it without an Authorization header.
    public var imageURL: String
    /// The image's width in pixels (`usage.width`).
    public var width: Int
    /// The image's height in pixels (`usage.height`).
    public var height: Int
    /// The prompt that was sent.
    public var prompt: String
    /// The prompt as DashScope rewrote it; only when `prompt_extend` was true.
    public var rewrittenPrompt: String?
    /// The model's reasoning (`message.reasoning_content`), when it is not empty.
    public var reasoning: String?
    /// DashScope's id of the call; quote it to Alibaba Cloud support.
    public var requestID: String

    /// Creates a result.
    public init(
        imageURL: String, width: Int, height: Int, prompt: String,
        rewrittenPrompt: String? = nil, reasoning: String? = nil, requestID: String
    ) {
        self.imageURL = imageURL
        self.width = width
        self.height = height
        self.prompt = prompt
        self.rewrittenPrompt = rewrittenPrompt
        self.reasoning = reasoning
        self.requestID = requestID
    }

    private enum CodingKeys: String, CodingKey {
        case imageURL = "image_url"
        case width, height, prompt
        case rewrittenPrompt = "rewritten_prompt"
        case reasoning
        case requestID = "request_id"
    }
}
