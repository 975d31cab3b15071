import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

/// A key only the simulator knows; every test checks that it appears in no output.
let endToEndKey = TestKeys.endToEnd.value

/// What a run of an executable gave.
struct RunResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The folder of the built products (the test bundle sits beside them).
let productsFolder: URL = {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = bundle.deletingLastPathComponent()
    while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("zimage").path) {
        folder.deleteLastPathComponent()
    }
    return folder
}()

/// Runs a built executable with exactly `environment` (plus PATH).
func run(
    _ executable: String, _ arguments: [String], environment: [String: String], in folder: URL? = nil
) async throws -> RunResult {
    let result = try await runChild(
        productsFolder.appendingPathComponent(executable).path, arguments, environment: environment,
        in: folder)
    return RunResult(status: result.status, stdout: result.stdout, stderr: result.stderr)
}

/// A simulator, a temporary home and output folder, and a way to run `zimage` against them.
struct Workspace: Stoppable {
    let server: SimulatorServer
    let folder: URL

    static func start(region: Region = .beijing) async throws -> Workspace {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("home"), withIntermediateDirectories: true)
        let server = try await SimulatorServer.start(
            backend: DashScopeSimulation(region: region, acceptedKeys: [endToEndKey]))
        return Workspace(server: server, folder: folder)
    }

    var output: URL { folder.appendingPathComponent("output") }
    var images: URL { output.appendingPathComponent("ai-image-zimage-turbo/images") }
    var evidence: URL { output.appendingPathComponent("alicloud-ai-image-zimage-turbo/generations.jsonl") }
    var endpoint: String { server.generationURL.absoluteString }

    /// The environment of a user with the key, a clean home, output under the workspace and no proxy.
    func environment(key: String? = endToEndKey, extra: [String: String] = [:]) -> [String: String] {
        var environment = ["HOME": folder.appendingPathComponent("home").path, "OUTPUT_DIR": output.path]
        if let key { environment["DASHSCOPE_API_KEY"] = key }
        return environment.merging(extra) { $1 }
    }

    /// Runs `zimage` and checks that the key reached neither stdout nor stderr.
    func zimage(
        _ arguments: [String], key: String? = endToEndKey, extra: [String: String] = [:]
    ) async throws -> RunResult {
        let result = try await run("zimage", arguments, environment: environment(key: key, extra: extra), in: folder)
        #expect(
            !result.stdout.contains(endToEndKey) && !result.stderr.contains(endToEndKey), "the key reached the output")
        return result
    }

    /// Every file written under the output folder holds no key.
    func expectNoKeyInFiles() throws {
        let files =
            FileManager.default.enumerator(at: output, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where !file.hasDirectoryPath {
            let data = try Data(contentsOf: file)
            #expect(data.range(of: Data(endToEndKey.utf8)) == nil, "\(file.path) holds the key")
        }
    }

    func stop() async {
        await server.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }
}
