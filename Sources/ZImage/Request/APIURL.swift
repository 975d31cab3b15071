package import Foundation

/// A URL a user gives for the API (a base URL, an origin, `DASHSCOPE_BASE_URL`): http or https, with a host, and never
/// credentials. A URL is written to evidence lines, verbose logs, validate's summary and probe files and CI artifacts,
/// so a `user:password@` in one would leak there; rather than redact it in every one of those places, it is refused
/// where it comes in, before anything is sent. DashScope authenticates with the key in a header; a gateway that wants
/// basic authentication is reached through a proxy, which the transport reads from the environment.
package enum APIURL {
    /// What is wrong with a URL that carries credentials, in words that never repeat them.
    package static let credentialsProblem =
        "carries a user name or password (user:password@), which would reach logs, evidence and reports"

    /// `text` as an http or https URL with a host and no credentials; `nil` otherwise.
    package static func parse(_ text: String) -> URL? {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)),
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, !carriesCredentials(url)
        else { return nil }
        return url
    }

    /// Whether `url` (or the text of one) carries a user name or password.
    package static func carriesCredentials(_ url: URL) -> Bool {
        url.user != nil || url.password != nil
    }

    /// Whether `text` reads as a URL with a user name or password.
    package static func carriesCredentials(_ text: String) -> Bool {
        URL(string: text.trimmingCharacters(in: .whitespaces)).map(carriesCredentials) ?? text.contains("@")
    }

    /// `text` as it may be shown in a message: itself, or without what stands before `@` in its authority.
    package static func shown(_ text: String) -> String {
        guard carriesCredentials(text), let url = URL(string: text.trimmingCharacters(in: .whitespaces)),
            var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        else { return carriesCredentials(text) ? "(a URL with credentials, not shown)" : text }
        components.user = nil
        components.password = nil
        return components.string.map { $0.replacingOccurrences(of: "://", with: "://***@") }
            ?? "(a URL with credentials, not shown)"
    }
}
