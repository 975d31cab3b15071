package import Foundation

/// Where generated files go (docs/CONTRACT.md "Output locations"): under `output/`, or under `OUTPUT_DIR` when it is set.
package struct OutputLocations: Sendable, Hashable {
    /// The environment variable that moves the base folder.
    static let environmentVariable = "OUTPUT_DIR"

    /// The base folder (`output` by default, relative to the working folder).
    package var base: URL

    /// Creates the locations under `base`.
    package init(base: URL) {
        self.base = base
    }

    /// The locations for a process environment: `OUTPUT_DIR` when set and not empty, else `output`.
    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "output"
        self.init(base: URL(fileURLWithPath: path, isDirectory: true))
    }

    /// Generated images: `<base>/ai-image-zimage-turbo/images/`.
    package var imagesDirectory: URL {
        base.appendingPathComponent("ai-image-zimage-turbo/images", isDirectory: true)
    }

    /// Validation results and evidence: `<base>/alicloud-ai-image-zimage-turbo/`.
    package var evidenceDirectory: URL {
        base.appendingPathComponent("alicloud-ai-image-zimage-turbo", isDirectory: true)
    }

    /// The evidence log of generations, one JSON object a line.
    package var generationsLog: URL {
        evidenceDirectory.appendingPathComponent("generations.jsonl")
    }
}
