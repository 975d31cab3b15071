import Foundation

/// The proxy a request uses, read from the environment the way libcurl reads it, except that loopback is never proxied.
///
/// libcurl's rules: `http_proxy` (lower case only) for http URLs; `https_proxy` or `HTTPS_PROXY` for https; else
/// `all_proxy` or `ALL_PROXY`; `no_proxy` or `NO_PROXY` lists hosts to reach directly. The transport sets the result on
/// every request explicitly, so the environment it was given is the only one that counts.
struct ProxySettings: Sendable, Hashable {
    /// The proxy for http URLs, or `nil` for none.
    var http: String?
    /// The proxy for https URLs, or `nil` for none.
    var https: String?
    /// Hosts reached directly: the environment's list plus the loopback addresses.
    var noProxy: String

    init(environment: [String: String]) {
        func value(_ names: String...) -> String? {
            names.lazy.compactMap { environment[$0]?.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        }
        let all = value("all_proxy", "ALL_PROXY")
        http = value("http_proxy") ?? all
        https = value("https_proxy", "HTTPS_PROXY") ?? all

        let listed = [environment["no_proxy"], environment["NO_PROXY"]].compactMap { $0 }
            .flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
        if listed.contains("*") {
            noProxy = "*"
        } else {
            var seen = Set<String>()
            noProxy = (listed + ["localhost", "127.0.0.1", "127.0.0.0/8", "::1"]).filter { seen.insert($0).inserted }
                .joined(separator: ",")
        }
    }

    /// The proxy for a URL scheme; the empty string means "no proxy" to libcurl.
    func proxy(forScheme scheme: String?) -> String {
        (scheme?.lowercased() == "https" ? https : http) ?? ""
    }
}
