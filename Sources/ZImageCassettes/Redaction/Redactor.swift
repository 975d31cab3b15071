import Foundation

/// Removes what must never be written: applied to every interaction before it is stored.
///
/// - Request header fields are kept only for `Content-Type`; `Authorization` becomes `Bearer <redacted>` and
///   `X-DashScope-ApiKey` becomes `<redacted>`. Response header fields are kept only for `Content-Type`, `Retry-After` and
///   `Location` (the rest is volatile, and noise in diffs).
/// - The signed query values of OSS URLs (`Expires`, `OSSAccessKeyId`, `Signature`, `security-token`) become
///   `<redacted>`, in request URLs and wherever such a URL appears in a text or JSON body.
/// - Every secret (the API key) becomes `<redacted>` wherever it appears in a URL, header or text body. A binary body that
///   contains one cannot be cleaned; writing then refuses (see ``CassetteFile/write(_:to:secrets:)``).
public struct Redactor: Sendable {
    /// The placeholder written instead of a secret.
    public static let placeholder = "<redacted>"
    /// Query parameters whose values are credentials or change on every call.
    public static let volatileQueryParameters: Set<String> = ["expires", "ossaccesskeyid", "signature", "security-token"]

    private static let keptRequestHeaders: Set<String> = ["content-type"]
    private static let keptResponseHeaders: Set<String> = ["content-type", "retry-after", "location"]
    private static let queryPattern = try? NSRegularExpression(
        pattern: #"(?i)([?&](?:expires|ossaccesskeyid|signature|security-token)=)[^&"'\s<>\\]*"#)

    /// The values to remove wherever they appear (each at least 8 characters; shorter ones would mangle text).
    public var secrets: [String]

    /// Creates a redactor for `secrets`.
    public init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 8 }
    }

    /// The interaction as it may be written.
    public func redact(_ interaction: Interaction) -> Interaction {
        var result = interaction
        result.request.url = clean(interaction.request.url)
        result.request.headers = [:]
        for (name, value) in interaction.request.headers {
            switch name.lowercased() {
            case "authorization": result.request.headers[name] = "Bearer \(Self.placeholder)"
            case "x-dashscope-apikey": result.request.headers[name] = Self.placeholder
            case let lower where Self.keptRequestHeaders.contains(lower): result.request.headers[name] = clean(value)
            default: break
            }
        }
        result.request.body = interaction.request.body.map(cleanBody)
        result.response.headers = interaction.response.headers.filter { Self.keptResponseHeaders.contains($0.key.lowercased()) }
            .mapValues(clean)
        result.response.body = cleanBody(interaction.response.body)
        return result
    }

    /// `text` with signed query values and secrets replaced.
    public func clean(_ text: String) -> String {
        var cleaned = text
        if let pattern = Self.queryPattern {
            cleaned = pattern.stringByReplacingMatches(
                in: cleaned, range: NSRange(cleaned.startIndex..., in: cleaned), withTemplate: "$1\(Self.placeholder)")
        }
        for secret in secrets { cleaned = cleaned.replacingOccurrences(of: secret, with: Self.placeholder) }
        return cleaned
    }

    private func cleanBody(_ body: Data) -> Data {
        guard !body.isEmpty, let text = String(data: body, encoding: .utf8) else { return body }
        let cleaned = clean(text)
        return cleaned == text ? body : Data(cleaned.utf8)
    }
}

/// Moves exchanges recorded against another origin (the simulator, any `--base-url`) onto the real endpoints, in request
/// URLs and response bodies alike, so that a client with default settings replays them unchanged.
///
/// The simulator serves images under `/results/<region>/…`; those become `https://<the region's OSS host>/…`, and
/// everything else on the origin becomes `https://<the region's API host>/…`.
public struct OriginRewrite: Sendable, Hashable {
    /// The origin recorded against, `scheme://host:port`, without a trailing slash.
    public var origin: String
    /// The region whose hosts replace it.
    public var apiHost: String
    /// The OSS host images move to.
    public var resultHost: String
    /// The path prefix under which the origin serves images.
    public var resultPrefix: String

    /// A rewrite from `origin` to the hosts of `region`.
    public init(origin: URL, apiHost: String, resultHost: String, resultPrefix: String) {
        var text = origin.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        self.origin = text
        self.apiHost = apiHost
        self.resultHost = resultHost
        self.resultPrefix = resultPrefix
    }

    /// `text` with every URL of the origin moved.
    public func apply(_ text: String) -> String {
        text.replacingOccurrences(of: origin + resultPrefix, with: "https://\(resultHost)/")
            .replacingOccurrences(of: origin + "/", with: "https://\(apiHost)/")
    }

    /// The interaction with its URL and bodies moved.
    public func apply(_ interaction: Interaction) -> Interaction {
        var result = interaction
        result.request.url = apply(interaction.request.url)
        result.response.headers = interaction.response.headers.mapValues(apply)
        if let body = interaction.request.body, let text = String(data: body, encoding: .utf8) {
            result.request.body = Data(apply(text).utf8)
        }
        if let text = String(data: interaction.response.body, encoding: .utf8) {
            result.response.body = Data(apply(text).utf8)
        }
        return result
    }
}
