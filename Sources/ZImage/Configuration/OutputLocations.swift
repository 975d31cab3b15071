public import Foundation

/// Where generated files go (docs/CONTRACT.md "Output locations"): under `output/`, or under `OUTPUT_DIR` when it is set.
public struct OutputLocations: Sendable, Hashable {
    /// The environment variable that moves the base folder.
    static let environmentVariable = "OUTPUT_DIR"

    /// The base folder (`output` by default, relative to the working folder).
    public var base: URL

    /// Creates the locations under `base`.
    public init(base: URL) {
        self.base = base
    }

    /// The locations for a process environment: `OUTPUT_DIR` when set and not empty, else `output`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "output"
        self.init(base: URL(fileURLWithPath: path, isDirectory: true))
    }

    /// Generated images: `<base>/ai-image-zimage-turbo/images/`.
    public var imagesDirectory: URL {
        base.appendingPathComponent("ai-image-zimage-turbo/images", isDirectory: true)
    }

    /// Validation results and evidence: `<base>/alicloud-ai-image-zimage-turbo/`.
    public var evidenceDirectory: URL {
        base.appendingPathComponent("alicloud-ai-image-zimage-turbo", isDirectory: true)
    }

    /// The evidence log of generations, one JSON object a line.
    public var generationsLog: URL {
        evidenceDirectory.appendingPathComponent("generations.jsonl")
    }
}
