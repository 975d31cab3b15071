import Foundation

/// Removes what must never be written: applied to every interaction before it is stored, by the ``CassetteRules`` given.
///
/// - Request header fields are kept only when the rules keep them; credential fields are kept with their value redacted
///   (`Authorization` keeps its scheme: `Bearer <redacted>`). Response header fields are kept only when the rules say so.
/// - The values of signed query parameters become `REDACTED` (URI-safe: the URL stays a valid URL), in request URLs and wherever such a URL appears in a text
///   or JSON body.
/// - Every secret (the API key) becomes `<redacted>` wherever it appears in a URL, header or text body. A binary body that
///   contains one cannot be cleaned; writing then refuses (see ``CassetteFile/write(_:to:secrets:baseline:)``).
struct Redactor: Sendable {
    /// The placeholder written instead of a secret.
    static let placeholder = "<redacted>"
    /// The placeholder written instead of a signed query value: URI-safe, so a recorded URL stays a valid URI.
    static let queryPlaceholder = "REDACTED"

    /// The shortest secret that can be searched for and redacted without mangling ordinary text; a recording given a
    /// shorter one is refused when written (``CassetteFile/write(_:to:secrets:baseline:)``).
    static let shortestSecret = 8

    /// The values to remove wherever they appear, as given (empty ones dropped): the writer refuses any shorter than
    /// ``shortestSecret``.
    let secrets: [String]
    /// What counts as a credential, what is kept.
    let rules: CassetteRules
    private let signedQuery: NSRegularExpression?

    /// Creates a redactor for `secrets` under `rules`.
    init(secrets: [String], rules: CassetteRules) {
        self.secrets = secrets.filter { !$0.isEmpty }
        self.rules = rules
        let names = rules.signedQueryParameters.sorted().map(NSRegularExpression.escapedPattern(for:))
        signedQuery =
            names.isEmpty
            ? nil
            : try? NSRegularExpression(pattern: #"(?i)([?&](?:"# + names.joined(separator: "|") + #")=)[^&"'\s<>\\]*"#)
    }

    /// The interaction as it may be written.
    func redact(_ interaction: Interaction) -> Interaction {
        var result = interaction
        result.request.url = clean(interaction.request.url)
        result.request.headers = [:]
        for (name, value) in interaction.request.headers {
            let lower = name.lowercased()
            if rules.credentialHeaders.contains(lower) {
                result.request.headers[name] = Self.redactedCredential(name: name, value: value)
            } else if rules.keptRequestHeaders.contains(lower) {
                result.request.headers[name] = clean(value)
            }
        }
        result.request.body = interaction.request.body.map(cleanBody)
        result.response.headers = interaction.response.headers.filter {
            rules.keptResponseHeaders.contains($0.key.lowercased())
        }
        .mapValues(clean)
        result.response.body = cleanBody(interaction.response.body)
        return result
    }

    /// `text` with signed query values and secrets replaced.
    func clean(_ text: String) -> String {
        var cleaned = text
        if let signedQuery {
            cleaned = signedQuery.stringByReplacingMatches(
                in: cleaned, range: NSRange(cleaned.startIndex..., in: cleaned),
                withTemplate: "$1\(Self.queryPlaceholder)")
        }
        for secret in secrets where secret.count >= Self.shortestSecret {
            cleaned = cleaned.replacingOccurrences(of: secret, with: Self.placeholder)
        }
        return cleaned
    }

    /// The value of the credential header field `name` as it is stored: `Authorization` keeps its scheme, any other is
    /// the placeholder.
    static func redactedCredential(name: String, value: String) -> String {
        name.lowercased() == "authorization" ? redactedCredentials(value) : placeholder
    }

    /// An Authorization value with its credentials replaced: `Bearer abc` becomes `Bearer <redacted>` (RFC 9110: the
    /// scheme is not secret, and keeping it shows how the request was authenticated).
    private static func redactedCredentials(_ value: String) -> String {
        let scheme = value.prefix { !$0.isWhitespace }
        return scheme.isEmpty || scheme.count == value.count ? placeholder : "\(scheme) \(placeholder)"
    }

    private func cleanBody(_ body: Data) -> Data {
        guard !body.isEmpty, let text = String(data: body, encoding: .utf8) else { return body }
        let cleaned = clean(text)
        return cleaned == text ? body : Data(cleaned.utf8)
    }
}
