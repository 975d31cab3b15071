public import Foundation

/// A DashScope region. API keys are issued per region: a key works only against its own region's host.
public enum Region: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// China (Beijing), `cn-beijing`, host `dashscope.aliyuncs.com`.
    case beijing
    /// International (Singapore), `ap-southeast-1`, host `dashscope-intl.aliyuncs.com`.
    case singapore

    /// Accepts the short name (`beijing`), the region id (`cn-beijing`), or `intl` for Singapore; case-insensitive.
    public init?(name: String) {
        switch name.trimmingCharacters(in: .whitespaces).lowercased() {
        case "beijing", "cn-beijing", "cn": self = .beijing
        case "singapore", "ap-southeast-1", "intl", "international": self = .singapore
        default: return nil
        }
    }

    /// Alibaba Cloud's id of the region.
    package var regionID: String {
        switch self {
        case .beijing: "cn-beijing"
        case .singapore: "ap-southeast-1"
        }
    }

    /// The API host of the region.
    package var host: String {
        switch self {
        case .beijing: "dashscope.aliyuncs.com"
        case .singapore: "dashscope-intl.aliyuncs.com"
        }
    }

    /// The synchronous generation endpoint of docs/CONTRACT.md.
    public var generationURL: URL {
        Self.url("https://\(host)\(DashScopeAPI.generationPath)")
    }

    /// The read-only models list used as a connectivity and key check.
    package var probeURL: URL {
        Self.url("https://\(host)\(DashScopeAPI.modelsPath)")
    }

    /// The OSS host the region's documented example serves images from. Other `dashscope-result-*` hosts exist and change
    /// over time: use this for fixtures and messages, never to accept or reject an image URL.
    package var exampleResultHost: String {
        switch self {
        case .beijing: "dashscope-result-bj.oss-cn-beijing.aliyuncs.com"
        case .singapore: "dashscope-result-sgp.oss-ap-southeast-1.aliyuncs.com"
        }
    }

    /// The other region: where a key refused here may belong.
    var counterpart: Region {
        self == .beijing ? .singapore : .beijing
    }

    /// The region's name for people: "Beijing", "Singapore".
    package var displayName: String {
        switch self {
        case .beijing: "Beijing"
        case .singapore: "Singapore"
        }
    }

    /// The short name, `beijing` or `singapore`.
    public var description: String { rawValue }

    /// The names `init(name:)` accepts, for error messages.
    package static let allowedNames = "beijing (cn-beijing) or singapore (ap-southeast-1, intl)"

    /// The region whose API host is `host`, if any.
    package init?(host: String) {
        guard let region = Self.allCases.first(where: { $0.host == host.lowercased() }) else { return nil }
        self = region
    }

    /// A URL from the constants above: `https://` + one of this enum's own host names + a `DashScopeAPI` path, all
    /// literals, so it always parses (a test builds every one and compares it with the URL docs/CONTRACT.md gives).
    /// The fallback is never taken; were it, a request to it would fail as a transport error (libcurl takes no `file:`
    /// URL) rather than stop the host process.
    private static func url(_ text: String) -> URL {
        URL(string: text) ?? URL(fileURLWithPath: "/unparsable-built-in-url")
    }
}
