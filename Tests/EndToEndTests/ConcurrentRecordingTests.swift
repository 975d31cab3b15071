import Foundation
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageHTTP
@testable import ZImageTestSupport

@Suite("Many processes, one cassette", .timeLimit(.minutes(2)))
struct ConcurrentRecordingTests {
    @Test(
        "eight zimage processes recording new episodes into one cassette at once: every interaction of every one is kept"
    )
    func eightProcesses() async throws {
        try await using(try await Workspace.start()) { workspace in
            let cassette = workspace.folder.appendingPathComponent("shared.json")
            try await withThrowingTaskGroup(of: RunResult.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await workspace.zimage([
                            "generate", "--mode", "record", "--record-mode", "new-episodes",
                            "--cassette", cassette.path, "--prompt", "Lake number \(index)",
                            "--base-url", workspace.endpoint, "--quiet",
                        ])
                    }
                }
                for try await result in group { #expect(result.status == 0, "\(result.stderr)") }
            }
            let recorded = try CassetteFile.load(cassette)
            #expect(recorded.interactions.count == 16)
            let bodies = recorded.interactions.compactMap {
                $0.request.body.map { String(decoding: $0, as: UTF8.self) }
            }
            for index in 0..<8 {
                #expect(
                    bodies.filter { $0.contains("Lake number \(index)\"") }.count == 1, "generation \(index) is missing"
                )
            }
            #expect(recorded.interactions.filter { $0.request.method == "GET" }.count == 8)
        }
    }
}
