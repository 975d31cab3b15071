package import Foundation
package import Testing

/// The public corpora in `../shared/testdata` beside the repository (CI has them; a clone of the repository alone does
/// not). Tests that read them are skipped, saying why, when the folder is absent, and are never copied into the
/// repository.
package enum SharedCorpus {
    /// `../shared/testdata` from the repository's root.
    package static let root = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")

    /// JSONTestSuite's `test_parsing` folder, when present.
    package static var json: URL? { existing("JSONTestSuite/test_parsing") }
    /// PngSuite's `png` folder, when present.
    package static var png: URL? { existing("PngSuite/png") }

    /// Why a test of `name` is skipped.
    package static func absent(_ name: String) -> Comment {
        Comment(rawValue: "\(name) is not at \(root.path) (it comes with ../shared beside the repository, as in CI)")
    }

    private static func existing(_ path: String) -> URL? {
        let url = root.appendingPathComponent(path)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
