import Foundation
import ZImageHTTP

/// What a recorded request must share with a sent one to answer it: a list of matchers, each comparing one part of the
/// request. The one definition the replaying transport, the replay server (`zimage serve cassettes`), new-episodes
/// recording and the miss report all use.
///
/// Each matcher gives a key (equal keys: the part matches), so lookups go through an index, never a scan; and explains a
/// difference in words, so a miss says which parts differ and how. The default is strict: method, scheme, host (with
/// port), path, the query without the provider's signed parameters, and the body, JSON compared canonically (key order
/// and white space never matter). Header fields take no part. Loosen it where a request carries what changes on every
/// run:
///
/// ```swift
/// let matching = RequestMatching.default
///     .ignoringJSONPaths("parameters.seed", "input.messages[*].content[0].request_id")
///     .ignoringQueryParameters("timestamp")
///     .matchingHeaders("X-Tenant")
///     .adding("tenant-region", readingHeaders: ["X-Region"]) { request in request.header("X-Region") ?? "" }
/// ```
///
/// A matcher that reads header fields declares them: a recording keeps those fields (a credential one redacted, and
/// then compared in its redacted form), so what matched when it was recorded matches when it is replayed.
public struct RequestMatching: Sendable {
    /// JSON paths left out of body matching: `parameters.seed`, `input.messages[0].content`, `[*]` for any index.
    public private(set) var ignoredJSONPaths: [String] = []
    /// Query parameters left out of matching (matched in any case), besides the provider's signed ones.
    public private(set) var ignoredQueryParameters: Set<String> = []
    private var custom: [Matcher] = []
    /// The request header fields the matchers read (lower case): recordings keep them.
    public private(set) var headerFields: Set<String> = []

    /// Strict matching: every part of the request but its header fields.
    public static let `default` = RequestMatching()

    private init() {}

    /// This matching, with the body compared without the values at `paths` (dot-separated keys, `[n]` for an index,
    /// `[*]` for any index): a random seed, a timestamp or a UUID the request carries.
    public func ignoringJSONPaths(_ paths: String...) -> Self {
        var copy = self
        copy.ignoredJSONPaths += paths
        return copy
    }

    /// This matching, with the query compared without the parameters `names` (in any case).
    public func ignoringQueryParameters(_ names: String...) -> Self {
        var copy = self
        copy.ignoredQueryParameters.formUnion(names.map { $0.lowercased() })
        return copy
    }

    /// This matching, with the header fields `names` compared too (names in any case; a missing field matches only a
    /// missing one). Recordings keep these fields; a credential field is kept redacted and compared redacted.
    public func matchingHeaders(_ names: String...) -> Self {
        var copy = self
        for name in names {
            copy = copy.adding(name.lowercased(), readingHeaders: [name]) { $0.header(name) ?? "" }
        }
        return copy
    }

    /// This matching, with one more part: requests match only when `key` gives both the same value (a part of the URL
    /// the defaults do not see, a header field). `name` is how a miss names the part. A key that reads header fields
    /// names them in `readingHeaders`, so that recordings keep them (unlisted fields are not recorded, and a replay
    /// would see them missing).
    public func adding(
        _ name: String, readingHeaders: [String] = [], key: @escaping @Sendable (RecordedRequest) -> String
    ) -> Self {
        var copy = self
        copy.headerFields.formUnion(readingHeaders.map { $0.lowercased() })
        copy.custom.append(Matcher(name: name, key: { key($0.request) }, explain: nil))
        return copy
    }

    /// One part of the comparison.
    struct Matcher: Sendable {
        /// How a miss names the part: `method`, `host`, `body`…
        var name: String
        /// The part's key: requests match on it when their keys are equal.
        var key: @Sendable (ParsedRequest) -> String
        /// What differs, when the keys differ: a sentence and, for a JSON body, the paths (`nil`: both keys are shown).
        var explain: (@Sendable (_ recorded: ParsedRequest, _ sent: ParsedRequest) -> (String, [JSONValue.Difference]))?
    }

    /// The matchers in force for a provider's `rules`; `ignoringHost` leaves scheme and host out (a replay server that
    /// clients reach under its own address).
    func matchers(rules: CassetteRules, ignoringHost: Bool) -> [Matcher] {
        let ignoredQuery = rules.signedQueryParameters.union(rules.volatileQueryParameters).union(
            ignoredQueryParameters)
        let paths = ignoredJSONPaths.map(JSONPath.init(parsing:))
        var matchers = [Matcher(name: "method", key: { $0.request.method.uppercased() }, explain: nil)]
        if !ignoringHost {
            matchers.append(Matcher(name: "scheme", key: { ($0.components?.scheme ?? "").lowercased() }, explain: nil))
            matchers.append(
                Matcher(
                    name: "host",
                    key: { request in
                        (request.components?.host ?? "").lowercased()
                            + (request.components?.port.map { ":\($0)" } ?? "")
                    }, explain: nil))
        }
        matchers.append(Matcher(name: "path", key: { $0.components?.percentEncodedPath ?? "" }, explain: nil))
        matchers.append(
            Matcher(
                name: "query",
                key: { request in
                    (request.components?.queryItems ?? []).filter { !ignoredQuery.contains($0.name.lowercased()) }
                        .map { "\($0.name)=\($0.value ?? "")" }.sorted().joined(separator: "&")
                }, explain: nil))
        matchers.append(
            Matcher(
                name: "body", key: { Self.bodyKey($0, ignoring: paths) },
                explain: { recorded, sent in
                    Self.explainBody(recorded, sent, ignoring: paths)
                }))
        let credentials = rules.credentialHeaders
        return matchers
            + custom.map { matcher in
                var matcher = matcher
                let key = matcher.key
                matcher.key = { key($0.redacting(credentials)) }
                return matcher
            }
    }

    /// The body's key: the sha256 of its canonical JSON (the ignored paths removed), or of its bytes; empty for none.
    private static func bodyKey(_ request: ParsedRequest, ignoring paths: [JSONPath]) -> String {
        guard let body = request.request.body, !body.isEmpty else { return "" }
        guard var json = JSONValue(parsing: body) else { return "raw:" + SHA256.hexDigest(of: body) }
        if paths.isEmpty { return "json:" + SHA256.hexDigest(of: json.data) }
        for path in paths { json = path.removing(from: json) }
        return "json:" + SHA256.hexDigest(of: json.data)
    }

    private static func explainBody(
        _ recorded: ParsedRequest, _ sent: ParsedRequest, ignoring paths: [JSONPath]
    )
        -> (String, [JSONValue.Difference])
    {
        let old = recorded.request.body.flatMap(JSONValue.init(parsing:))
        let new = sent.request.body.flatMap(JSONValue.init(parsing:))
        guard var old, var new else {
            let size = { (data: Data?) in "\(data?.count ?? 0) bytes" }
            return ("recorded \(size(recorded.request.body)), sent \(size(sent.request.body)), not both JSON", [])
        }
        for path in paths {
            old = path.removing(from: old)
            new = path.removing(from: new)
        }
        let differences = old.differences(from: new)
        return (
            differences.map { "\($0.path): recorded \($0.left), sent \($0.right)" }.joined(separator: "; "), differences
        )
    }
}

/// A request as the matchers read it: its URL parsed once.
struct ParsedRequest {
    let request: RecordedRequest
    let components: URLComponents?

    init(_ request: RecordedRequest) {
        self.request = request
        components = URLComponents(string: request.url)
    }

    private init(request: RecordedRequest, components: URLComponents?) {
        self.request = request
        self.components = components
    }

    /// This request with the values of the `credentials` header fields (lower case) as a recording stores them: what
    /// custom matchers see, so that a sent request and its recording give the same key.
    func redacting(_ credentials: Set<String>) -> ParsedRequest {
        guard request.headers.keys.contains(where: { credentials.contains($0.lowercased()) }) else { return self }
        var redacted = request
        for (name, value) in request.headers where credentials.contains(name.lowercased()) {
            redacted.headers[name] = Redactor.redactedCredential(name: name, value: value)
        }
        return ParsedRequest(request: redacted, components: components)
    }
}

extension RecordedRequest {
    /// The value of the header field `name`, found in any case; `nil` when the request has none.
    public func header(_ name: String) -> String? {
        if let exact = headers[name] { return exact }
        let lower = name.lowercased()
        return headers.first { $0.key.lowercased() == lower }?.value
    }
}

/// A JSON path as ``RequestMatching/ignoringJSONPaths(_:)`` takes it: `parameters.seed`, `messages[0].text`,
/// `messages[*].id`.
struct JSONPath: Sendable {
    enum Step: Sendable {
        case key(String)
        case index(Int)
        case anyIndex
    }

    let steps: [Step]

    init(parsing text: String) {
        var steps: [Step] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: true) {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                if bracket > rest.startIndex { steps.append(.key(String(rest[..<bracket]))) }
                rest = rest[bracket...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    let inside = rest[rest.index(after: rest.startIndex)..<close]
                    steps.append(inside == "*" ? .anyIndex : Int(inside).map(Step.index) ?? .key(String(inside)))
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                steps.append(.key(String(rest)))
            }
        }
        self.steps = steps
    }

    /// `value` without what this path leads to (unchanged where the path leads nowhere).
    func removing(from value: JSONValue) -> JSONValue {
        func remove(_ value: JSONValue, _ steps: ArraySlice<Step>) -> JSONValue {
            guard let step = steps.first else { return value }
            let last = steps.count == 1
            switch (step, value) {
            case (.key(let key), .object(var members)):
                if last {
                    members.removeValue(forKey: key)
                } else if let child = members[key] {
                    members[key] = remove(child, steps.dropFirst())
                }
                return .object(members)
            case (.index(let index), .array(var items)) where items.indices.contains(index):
                if last {
                    items[index] = .null
                } else {
                    items[index] = remove(items[index], steps.dropFirst())
                }
                return .array(items)
            case (.anyIndex, .array(let items)):
                return .array(last ? items.map { _ in .null } : items.map { remove($0, steps.dropFirst()) })
            default:
                return value
            }
        }
        return remove(value, steps[...])
    }
}
