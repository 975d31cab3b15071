import Foundation
import ZImage

/// What two requests must share to match: method, scheme, host (with port), path, the query without its signed
/// parameters (sorted), and the body (JSON compared canonically: key order and white space never matter).
/// Header fields take no part.
struct RequestSignature: Sendable, Hashable {
    var method: String
    var scheme: String
    var host: String
    var path: String
    var query: [String]
    /// The body's canonical digest: sha256 of canonical JSON, or of the raw bytes; empty for no body.
    var body: String

    /// The signature of a request; `ignoredQuery` holds lower-case parameter names left out (the signed ones); with
    /// `ignoringHost`, scheme and host are left out (the replay server's mode, where clients reach it under its own address).
    init(method: String, url: String, body: Data?, ignoredQuery: Set<String>, ignoringHost: Bool = false) {
        let components = URLComponents(string: url)
        self.method = method.uppercased()
        scheme = ignoringHost ? "" : (components?.scheme ?? "").lowercased()
        let port = components?.port.map { ":\($0)" } ?? ""
        host = ignoringHost ? "" : (components?.host ?? "").lowercased() + port
        path = components?.percentEncodedPath ?? ""
        query = (components?.queryItems ?? [])
            .filter { !ignoredQuery.contains($0.name.lowercased()) }
            .map { "\($0.name)=\($0.value ?? "")" }
            .sorted()
        self.body = Self.digest(body)
    }

    /// The canonical digest of a body.
    static func digest(_ body: Data?) -> String {
        guard let body, !body.isEmpty else { return "" }
        if let canonical = try? CanonicalJSON.normalize(body) { return "json:" + SHA256.hexDigest(of: canonical) }
        return "raw:" + SHA256.hexDigest(of: body)
    }
}
