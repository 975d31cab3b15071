import Foundation
import ZImageHTTP

/// The `parameters` object of a generation request, with each parameter's JSON name and rule: the one definition of
/// what a request may carry besides its prompt.
///
/// The client encodes it (``ImageRequest/parameters``); the simulator and the contract checker decode it from a body as
/// sent; the command line reads the skill's flat request JSON (`{"prompt": …, "size": …, "seed": …}`) with the same
/// names; the OpenAPI document and the simulator's refusals read each parameter's ``Parameter`` entry. Decoding keeps
/// what was sent as sent (a `size` of `"7*7"` decodes; the rules are applied by whoever reads it, the client more
/// strictly than the API), and a parameter of the wrong JSON type is an error naming it.
///
/// Adding a parameter end to end: in this file, a property, a coding key, its ``Parameter`` (the compiler asks for it),
/// its lines in the initializer, the decoder, the encoder and ``overridden(by:)``, and ``documented`` when users may set
/// it; its typed property in ``ImageRequest``; and a flag in the command line.
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
    /// The parameters a body may carry that this model does not document: the others.
    package static let undocumentedKeys = CodingKeys.allCases.filter { !documented.contains($0) }

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
        parameter(key).allowed
    }

    /// What a reader needs to know of one parameter besides its name: what it accepts, what the API refuses and says
    /// when it does, and its schema in docs/openapi.yaml.
    package struct Parameter: Sendable {
        /// One JSON Schema keyword and its value.
        package typealias Keyword = (name: String, value: JSONValue)

        /// The parameter's JSON name.
        package var key: CodingKeys
        /// What it accepts, in words (errors, help).
        package var allowed: String
        /// What docs/openapi.yaml says of it.
        package var summary: String
        /// Its JSON Schema keywords in docs/openapi.yaml, besides the description, in order.
        package var schema: [Keyword]
        /// The API's answer when it refuses the parameters sent for this one (the simulator gives it; the client refuses
        /// the same values before sending), or `nil` when it takes them.
        package var refusal: @Sendable (GenerationParameters) -> String?
        /// The API's answer to a value of the wrong JSON type, when it is known.
        package var typeRefusal: String? = nil
    }

    /// Every parameter's entry, in the order of ``CodingKeys``: built once (the simulator reads it for every request).
    package static let all: [Parameter] = CodingKeys.allCases.map(entry)

    /// The entry of `key`.
    package static func parameter(_ key: CodingKeys) -> Parameter {
        all.first { $0.key == key } ?? entry(key)  // always found: `all` has every key
    }

    /// The entry of `key`, built: a parameter added to ``CodingKeys`` fails to compile here until it has one.
    private static func entry(_ key: CodingKeys) -> Parameter {
        let ignored =
            "Not documented for this model; accepted and ignored by the live API (seen 2026-09-26), any value."
        let nothing = "nothing: not documented for this model, never sent"
        switch key {
        case .size:
            let recommended = ImageSize.recommended.map(\.description).joined(separator: ", ")
            let pixels = ImageSize.pixelRange
            return Parameter(
                key: key, allowed: ImageSize.allowedDescription,
                summary: """
                    `W*H` in pixels, with W·H from \(pixels.lowerBound) (512*512) to \(pixels.upperBound) (2048*2048). \
                    The total pixel count is the rule (`x-total-pixels`), which JSON Schema cannot state: \
                    `600*500` and `4096*1024` are allowed, `2048*127` is not. The form: two positive whole numbers \
                    without sign or leading zero (what the API answers to other forms is not documented; inferred). \
                    When absent, the API draws \(apiDefaultSize). Recommended: \(recommended).
                    """,
                schema: [
                    ("type", .array([.string("string"), .string("null")])), ("pattern", .string(sizePattern)),
                    ("examples", .array(["1024*1024", "600*500", "4096*1024"].map(JSONValue.string))),
                    (
                        "x-total-pixels",
                        .object(["minimum": .int(pixels.lowerBound), "maximum": .int(pixels.upperBound)])
                    ),
                ],
                refusal: { parameters in
                    let text = parameters.size ?? apiDefaultSize
                    guard let (width, height) = wireSize(text), (try? ImageSize(width: width, height: height)) != nil
                    else {
                        return "The size \(text) is not supported: the total pixels must be between 512*512 and "
                            + "2048*2048."
                    }
                    return nil
                })
        case .seed:
            let refusal =
                "seed must be an integer from \(seedRange.lowerBound) to \(seedRange.upperBound)."
            let allowed = "a whole number from \(seedRange.lowerBound) to \(seedRange.upperBound)"
            return Parameter(
                key: key, allowed: allowed, summary: "The random seed: \(allowed). Absent means a random one.",
                schema: [
                    ("type", .array([.string("integer"), .string("null")])), ("minimum", .int(seedRange.lowerBound)),
                    ("maximum", .int(seedRange.upperBound)),
                ],
                refusal: { parameters in parameters.seed.map(seedRange.contains) == false ? refusal : nil },
                typeRefusal: refusal)
        case .promptExtend:
            return Parameter(
                key: key, allowed: "true or false",
                summary: "Whether the API rewrites the prompt first (slower, billed higher): true or false.",
                schema: [("type", .array([.string("boolean"), .string("null")])), ("default", .bool(false))],
                refusal: { _ in nil }, typeRefusal: "prompt_extend must be true or false.")
        case .n:
            let refusal = "num_images_per_prompt must be 1"
            return Parameter(
                key: key, allowed: "1 (not documented for this model; never sent)",
                summary: "Not documented for this model. The API refuses any value but 1 "
                    + "(`num_images_per_prompt must be 1`; inferred).",
                schema: [("enum", .array([.int(1), .null]))],
                refusal: { parameters in parameters.n.map { $0 != 1 } == true ? refusal : nil },
                typeRefusal: refusal)
        case .negativePrompt, .watermark:
            return Parameter(key: key, allowed: nothing, summary: ignored, schema: [], refusal: { _ in nil })
        }
    }

    /// The value set for `key` as JSON text (`-1`, `"7*7"`), or `absent`: what an error message quotes.
    package func value(of key: CodingKeys) -> String {
        guard let data = try? JSONEncoder().encode(self), case .object(let members)? = try? CanonicalJSON.parse(data),
            let value = members[key.rawValue], let text = try? JSONEncoder().encode(value)
        else { return "absent" }
        return String(decoding: text, as: UTF8.self)
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
        undocumented = Self.undocumentedKeys.filter(container.contains).map(\.rawValue)
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
