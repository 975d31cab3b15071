package import Foundation

/// A fresh folder under the system's temporary folder, named for the suite that asked (`zimage-<label>-<uuid>`).
package func makeTemporaryDirectory(_ label: String = "tests") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` in a fresh temporary folder and removes the folder afterwards.
package func withTemporaryDirectory<Result>(
    _ label: String = "tests", _ body: (URL) async throws -> Result
) async throws -> Result {
    let folder = try makeTemporaryDirectory(label)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}

/// Every file under `folder` with its bytes.
package func allBytes(under folder: URL) throws -> [(String, Data)] {
    let files =
        FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
    return try files.filter { !$0.hasDirectoryPath }.map { ($0.path, try Data(contentsOf: $0)) }
}
