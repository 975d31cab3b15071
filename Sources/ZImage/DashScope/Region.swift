public import Foundation

/// A DashScope region. API keys are issued per region: a key works only against its own region's host.
///
/// A region is one entry of a table (``allCases``): its names, hosts and what was seen of its answers. A new region is
/// a new entry here, plus its cassettes. It is a struct rather than an enum so that a region added later breaks no
/// `switch` in your code; compare with `==` (`region == .beijing`). It is coded as its short name.
public struct Region: Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible, RawRepresentable {
    /// The short name, `beijing` or `singapore`: the command line's `--region`, a cassette's `region`.
    public let rawValue: String
    /// Alibaba Cloud's id of the region.
    package let regionID: String
    /// The API host of the region.
    package let host: String
    /// The OSS host the region's documented example serves images from. Other `dashscope-result-*` hosts exist and
    /// change over time: use this for fixtures and messages, never to accept or reject an image URL.
    package let exampleResultHost: String
    /// The region's name for people: "Beijing", "Singapore".
    package let displayName: String
    /// The other names ``init(name:)`` accepts besides ``rawValue`` and ``regionID``.
    package let aliases: [String]
    /// Whether the region's API writes the keys of its answers' objects in alphabetical order (Beijing, seen live), or
    /// in its own order (Singapore: `role` first in a message, `width` first in `usage`). The simulator answers so.
    package let sortsAnswerKeys: Bool

    /// China (Beijing), `cn-beijing`, host `dashscope.aliyuncs.com`.
    public static let beijing = Region(
        "beijing", id: "cn-beijing", host: "dashscope.aliyuncs.com",
        exampleResultHost: "dashscope-result-bj.oss-cn-beijing.aliyuncs.com", displayName: "Beijing",
        aliases: ["cn"], sortsAnswerKeys: true)

    /// International (Singapore), `ap-southeast-1`, host `dashscope-intl.aliyuncs.com`.
    public static let singapore = Region(
        "singapore", id: "ap-southeast-1", host: "dashscope-intl.aliyuncs.com",
        exampleResultHost: "dashscope-result-sgp.oss-ap-southeast-1.aliyuncs.com", displayName: "Singapore",
        aliases: ["intl", "international"], sortsAnswerKeys: false)

    /// Every region, in the order tools list them.
    public static let allCases: [Region] = [.beijing, .singapore]

    private init(
        _ name: String, id: String, host: String, exampleResultHost: String, displayName: String, aliases: [String],
        sortsAnswerKeys: Bool
    ) {
        self.rawValue = name
        self.regionID = id
        self.host = host
        self.exampleResultHost = exampleResultHost
        self.displayName = displayName
        self.aliases = aliases
        self.sortsAnswerKeys = sortsAnswerKeys
    }

    /// The region whose short name is `rawValue` (`beijing`), if any.
    public init?(rawValue: String) {
        self.init { $0.rawValue == rawValue }
    }

    /// Accepts the short name (`beijing`), the region id (`cn-beijing`), or `intl` for Singapore; case-insensitive.
    public init?(name: String) {
        let name = name.trimmingCharacters(in: .whitespaces).lowercased()
        self.init { ([$0.rawValue, $0.regionID] + $0.aliases).contains(name) }
    }

    /// The region whose API host is `host`, if any.
    package init?(host: String) {
        self.init { $0.host == host.lowercased() }
    }

    /// The first entry of the table that `matches`, if any.
    private init?(where matches: (Region) -> Bool) {
        guard let region = Self.allCases.first(where: matches) else { return nil }
        self = region
    }

    /// The synchronous generation endpoint of docs/CONTRACT.md.
    public var generationURL: URL {
        Self.url("https://\(host)\(DashScopeAPI.generationPath)")
    }

    /// The read-only models list used as a connectivity and key check.
    package var probeURL: URL {
        Self.url("https://\(host)\(DashScopeAPI.modelsPath)")
    }

    /// The other regions: where a key refused here may belong.
    package var others: [Region] {
        Self.allCases.filter { $0 != self }
    }

    /// What to tell someone whose key this region refused: the other regions' names and their `--region` values.
    package var otherRegionsAdvice: String {
        others.map { "a \($0.displayName) key needs --region \($0.rawValue)" }.joined(separator: "; ")
    }

    /// The short name, `beijing` or `singapore`.
    public var description: String { rawValue }

    /// The names ``init(name:)`` accepts, for error messages.
    package static var allowedNames: String {
        allCases.map { "\($0.rawValue) (\(([$0.regionID] + $0.aliases).joined(separator: ", ")))" }
            .joined(separator: " or ")
    }

    /// A URL from the constants above: `https://` + one of the table's own host names + a `DashScopeAPI` path, all
    /// literals, so it always parses (a test builds every one and compares it with the URL docs/CONTRACT.md gives).
    /// The fallback is never taken; were it, a request to it would fail as a transport error (libcurl takes no `file:`
    /// URL) rather than stop the host process.
    private static func url(_ text: String) -> URL {
        URL(string: text) ?? URL(fileURLWithPath: "/unparsable-built-in-url")
    }
}
