package import Foundation

/// The repository's root folder (this file is `Tests/BasicTestSupport/Repository.swift`).
package let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
