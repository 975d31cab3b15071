import Foundation

/// The `parameters` object of a generation request, with each parameter's JSON name and rule: the one definition of
/// what a request may carry besides its prompt.
///
/// The client encodes it (``ImageRequest/parameters``); the simulator and the contract checker decode it from a body as
/// sent; the command line reads the skill's flat request JSON (`{"prompt": …, "size": …, "seed": …}`) with the same
/// names. Decoding keeps what was sent as sent (a `size` of `"7*7"` decodes; the rules are applied by whoever reads it,
/// the client more strictly than the API), and a parameter of the wrong JSON type is an error naming it.
///
/// Adding a parameter end to end: a property and a coding key here, with its rule in ``allowed(_:)``; the typed
/// property of ``ImageRequest`` (with its line in ``ImageRequest/parameters`` and
/// ``ImageRequest/init(prompt:parameters:baseURL:)``), and a flag in the command line.
package struct GenerationParameters: Sendable, Hashable, Codable {
    /// `size`: `W*H` in pixels, as written.
    package var size: String?
    /// `seed`: the random seed.
    package var seed: Int?
    /// `prompt_extend`: whether DashScope rewrites the prompt first.
    package var promptExtend: Bool?
    /// `n`: not documented for this model and never sent by the client; the API refuses a value above 1.
    package var n: Int?
    /// The names of the parameters a decoded body carries that this model does not document (`n`, `negative_prompt`,
    /// `watermark`), in that order. Never encoded.
    package var undocumented: [String] = []

    /// A parameter's JSON name.
    package enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case size
        case seed
        case promptExtend = "prompt_extend"
        case n
        case negativePrompt = "negative_prompt"
        case watermark
    }

    /// The parameters this model documents, which a user may set: `size`, `seed`, `prompt_extend`.
    package static let documented: [CodingKeys] = [.size, .seed, .promptExtend]

    /// The seeds the API accepts.
    package static let seedRange = 0...2_147_483_647
    /// The most characters (Unicode code points) a prompt may have; the API silently cuts longer text, the client refuses it.
    package static let maxPromptLength = 800
    /// The size the API draws when none is sent (the client always sends one: ``ImageSize/default``).
    package static let apiDefaultSize = "1024*1536"
    /// The form of `size` on the wire, as a regular expression (ECMA-262, as JSON Schema reads it): two positive whole
    /// numbers without sign or leading zero, joined by `*`. Seven digits a side is more than any allowed size needs
    /// (4,194,304 × 1). The total-pixel rule comes on top (``ImageSize``); no regular expression of sensible size says it.
    package static let sizePattern = "^[1-9][0-9]{0,6}\\*[1-9][0-9]{0,6}$"
    /// What a prompt's text must contain, as a regular expression: a character that is not white space. White space is
    /// what Foundation's `CharacterSet.whitespacesAndNewlines` holds on Linux (tab, the line breaks, Unicode's space
    /// separators, and U+200B ZERO WIDTH SPACE), the set the client and the simulator trim; a test compares the two.
    package static let promptPattern =
        "[^\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200B\\u2028\\u2029\\u202F\\u205F\\u3000]"

    /// The width and height a `size` written in ``sizePattern``'s form states, before the total-pixel rule; `nil` for any
    /// other text (`+512*512`, `0512*512`, `512x512`, ` 512*512`). The form is checked with ``sizePattern`` itself, so the
    /// simulator and the OpenAPI document cannot disagree on it.
    package static func wireSize(_ text: String) -> (width: Int, height: Int)? {
        // Compiled per call: `Regex` is not Sendable, so it cannot be a shared constant; this runs once per request
        // the simulator reads, and the pattern always compiles (the tests match sizes with it).
        guard let regex = try? Regex(sizePattern), (try? regex.wholeMatch(in: text)) != nil else { return nil }
        let sides = text.split(separator: "*").compactMap { Int($0) }
        return sides.count == 2 ? (sides[0], sides[1]) : nil
    }

    /// Creates parameters.
    package init(size: String? = nil, seed: Int? = nil, promptExtend: Bool? = nil, n: Int? = nil) {
        self.size = size
        self.seed = seed
        self.promptExtend = promptExtend
        self.n = n
    }

    /// What `key` accepts, in words, for error messages and help.
    package static func allowed(_ key: CodingKeys) -> String {
        switch key {
        case .size: ImageSize.allowedDescription
        case .seed: "a whole number from \(seedRange.lowerBound) to \(seedRange.upperBound)"
        case .promptExtend: "true or false"
        case .n: "1 (not documented for this model; never sent)"
        case .negativePrompt, .watermark: "nothing: not documented for this model, never sent"
        }
    }

    /// Each non-nil parameter of `overrides` put over these.
    package func overridden(by overrides: GenerationParameters) -> GenerationParameters {
        var merged = GenerationParameters(
            size: overrides.size ?? size, seed: overrides.seed ?? seed,
            promptExtend: overrides.promptExtend ?? promptExtend, n: overrides.n ?? n)
        merged.undocumented = undocumented
        return merged
    }

    /// Decodes the parameters a body sent, naming a parameter of the wrong type in the error's coding path.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        size = try container.decodeField(String.self, forKey: .size)
        seed = try container.decodeField(Int.self, forKey: .seed)
        promptExtend = try container.decodeField(Bool.self, forKey: .promptExtend)
        n = try container.decodeField(Int.self, forKey: .n)
        undocumented = [CodingKeys.n, .negativePrompt, .watermark].filter(container.contains).map(\.rawValue)
    }

    /// Encodes the parameters that are set; ``undocumented`` is not encoded.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(size, forKey: .size)
        try container.encodeIfPresent(seed, forKey: .seed)
        try container.encodeIfPresent(promptExtend, forKey: .promptExtend)
        try container.encodeIfPresent(n, forKey: .n)
    }
}
