import BasicTestSupport
import Foundation
import Testing

/// The arrows of docs/ARCHITECTURE.md that the manifest alone does not show a reader: the modules that stand on the seam
/// side by side import no module of ours but the seam. (`make build` passes `--explicit-target-dependency-import-check
/// error`, so an import the manifest does not declare fails to build; this holds the manifest's own lines.)
@Suite("The seam: ZImage, ZImageCurl and ZImageCassettes import none of each other")
struct SeamTests {
    /// The modules of ours each file under `Sources/<module>` imports, with the file that does.
    static func imports(of module: String) throws -> [(file: String, module: String)] {
        let folder = repositoryRoot.appendingPathComponent("Sources/\(module)")
        let files = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil))
        var found: [(String, String)] = []
        let pattern = /^\s*(?:@\w+\s+)*(?:public |package |internal )?import\s+(ZImage\w*)\s*$/
        for case let url as URL in files where url.pathExtension == "swift" {
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                if let match = try pattern.wholeMatch(in: String(line)) {
                    found.append((url.lastPathComponent, String(match.1)))
                }
            }
        }
        return found
    }

    @Test("each imports ZImageHTTP and nothing else of ours", arguments: ["ZImage", "ZImageCurl", "ZImageCassettes"])
    func onlyTheSeam(module: String) throws {
        let imports = try Self.imports(of: module)
        #expect(imports.contains { $0.module == "ZImageHTTP" }, "\(module) builds on the seam")
        let others = imports.filter { $0.module != "ZImageHTTP" && $0.module != module }
        #expect(others.isEmpty, "\(module) imports \(others.map { "\($0.module) (\($0.file))" })")
    }

    @Test("the seam imports no module of ours")
    func seamStandsAlone() throws {
        #expect(try Self.imports(of: "ZImageHTTP").isEmpty)
    }
}
