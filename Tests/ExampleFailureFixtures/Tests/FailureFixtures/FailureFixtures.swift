// Tests that MUST fail: `make example` runs them and checks that each fails with the harness's report at its line
// (scripts/example-fixtures.sh). They replay the cassettes of Examples/PosterApp.
import Foundation
import XCTest
import ZImageTesting

final class FailureFixtures: XCTestCase {
    let cassettes = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../../Examples/PosterApp/Tests/PosterAppTests/Cassettes").standardizedFileURL

    /// The code under test swallows the error (`try?`): the miss must still fail the test.
    func testACaughtMissFails() async throws {
        try await withCassette("harbour", allowUnused: true, in: cassettes) { client in
            _ = try? await client.generate(ImageRequest(prompt: "A poster nobody recorded"))
        }
    }

    /// The test never asks for what the cassette recorded: the unused interactions must fail it.
    func testAnUnusedInteractionFails() async throws {
        try await withCassette("harbour", in: cassettes) { _ in }
    }

    /// Recording under CI=true is refused: the refusal must fail the test at its withCassette line, not at <EXPR>:0.
    func testARecordingRefusedInCIFailsAtItsLine() async throws {
        try await withCassette("never-recorded", mode: .once, in: cassettes, environment: ["CI": "true"]) { _ in }
    }

    /// The unused report speaks withCassette's syntax in an XCTest, not the trait's.
    func testUnusedAdviceSpeaksWithCassette() async throws {
        try await withCassette("harbour", in: cassettes) { _ in }
    }
}
