import Foundation
import Testing
import ZImageSimulator

@testable import ZImageCurl
@testable import ZImageTestSupport
@testable import ZImageTesting

@Suite("Recording in parallel: tests recording into one cassette at once lose nothing")
struct ParallelRecordingTests {
    static let key = "sk-test-parallel-5d1c9e7a"

    @Test("eight tasks record into one cassette at once (mode once, then all); every generation is kept and replays")
    func eightAtOnce() async throws {
        try await withTemporaryDirectory("parallel") { folder in
            try await withSimulator(accepting: [Self.key]) { server in
                let environment = ["DASHSCOPE_API_KEY": Self.key, "DASHSCOPE_BASE_URL": server.baseURL.absoluteString]
                for mode in [RecordMode.once, .all] {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for seed in 1...8 {
                            group.addTask {
                                try await withCassette("shared", mode: mode, in: folder, environment: environment) {
                                    client in
                                    _ = try await client.generate(ImageRequest(prompt: "A lighthouse", seed: seed))
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    let seeds = try CassetteFile.load(folder.appendingPathComponent("shared.json")).interactions
                        .compactMap {
                            $0.request.body.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                                .flatMap { ($0["parameters"] as? [String: Any])?["seed"] as? Int }
                        }
                    #expect(seeds.sorted() == Array(1...8), "\(mode): \(seeds)")
                }
            }
            // Replayed, each task finds its own generation (the others' are not its business: allowUnused).
            let replayed = try await withThrowingTaskGroup(of: Int.self) { group in
                for seed in 1...8 {
                    group.addTask {
                        try await withCassette("shared", allowUnused: true, in: folder, environment: [:]) { client in
                            try await client.generate(ImageRequest(prompt: "A lighthouse", seed: seed)).width
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(replayed.count == 8 && replayed.allSatisfy { $0 == 1024 })
        }
    }
}
