package import Foundation

/// Moves exchanges recorded against another origin (a simulator, a gateway, any base URL) onto the real hosts, in request
/// URLs, response header fields and bodies alike, so that a client with default settings replays them unchanged.
///
/// Everything under ``resultPrefix`` on the origin becomes `https://<resultHost>/…`; everything else on the origin becomes
/// `https://<apiHost>/…`.
package struct OriginRewrite: Sendable, Hashable {
    /// The origin recorded against, `scheme://host:port`, without a trailing slash.
    package var origin: String
    /// The host that replaces the origin.
    package var apiHost: String
    /// The host that downloads under ``resultPrefix`` move to.
    package var resultHost: String
    /// The path prefix under which the origin serves downloads, with its slashes (`/results/`).
    package var resultPrefix: String

    /// A rewrite from `origin` (its path and query are ignored) to `apiHost`, and from `origin` + `resultPrefix` to
    /// `resultHost`.
    package init(origin: URL, apiHost: String, resultHost: String, resultPrefix: String) {
        var components = URLComponents(url: origin, resolvingAgainstBaseURL: false)
        components?.path = ""
        components?.query = nil
        var text = components?.url?.absoluteString ?? origin.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        self.origin = text
        self.apiHost = apiHost
        self.resultHost = resultHost
        self.resultPrefix = resultPrefix
    }

    /// `text` with every URL of the origin moved.
    package func apply(_ text: String) -> String {
        text.replacingOccurrences(of: origin + resultPrefix, with: "https://\(resultHost)/")
            .replacingOccurrences(of: origin + "/", with: "https://\(apiHost)/")
    }

    /// The interaction with its URL, header fields and bodies moved.
    package func apply(_ interaction: Interaction) -> Interaction {
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
