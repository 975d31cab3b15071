// Testing your own code offline: the code under test takes its ZImageClient from outside; a test gives it one that
// answers from a cassette committed beside the test. This snippet is an executable, so it shows the closure API,
// which XCTest and Swift Testing share; the `@Test(.cassette)` trait takes the same options.
import Foundation
import ZImageTesting

/// The code under test: it takes its client from outside.
struct PosterMaker {
    let client: ZImageClient

    func make(title: String) async throws -> ImageResult {
        try await client.generate(
            ImageRequest(prompt: "A travel poster titled \"\(title)\"", size: try ImageSize(parsing: "1024*1536")))
    }
}

// snippet.replay
// Replays Cassettes/harbour.json beside this file; a request it cannot answer, or an interaction never requested,
// fails the running test (XCTFail under XCTest, an Issue under Swift Testing).
let poster = try await withCassette("harbour") { client in
    try await PosterMaker(client: client).make(title: "Night harbour")
}
assert(poster.width == 1024 && poster.height == 1536)
// snippet.end

// snippet.matching
// Code that sends a random seed says what to ignore when matching.
_ = try await withCassette("random-seed", matching: .default.ignoringJSONPaths("parameters.seed")) { client in
    try await PosterMaker(client: client).make(title: "Lake")
}
// snippet.end

// snippet.faults
// Error paths without a cassette: a simulation in the test process plays the faults first; no socket, no real waits.
_ = try await withSimulator(faults: [.throttled(retryAfter: 30), .unavailable(times: 1)]) { client in
    try await PosterMaker(client: client).make(title: "Lake")  // retried twice, then answered
}
// snippet.end
