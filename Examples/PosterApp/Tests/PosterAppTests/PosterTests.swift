import Foundation
import PosterApp
import Testing
import ZImageTesting  // all a test needs: the client, its errors and regions, record modes and simulator faults come with it

/// A fresh folder for posters.
func posterFolder() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("posters-\(UUID().uuidString)")
}

@Suite("PosterMaker, offline: replayed from cassettes beside this file")
struct PosterTests {
    // The shortest test: one trait, one client. The cassette is Cassettes/lighthouse.json beside this file.
    @Test(.cassette("lighthouse"))
    func makesAPortraitPoster() async throws {
        let poster = try await PosterMaker(client: try .cassette, folder: posterFolder()).make(title: "Lighthouse")
        #expect(poster.width == 1024 && poster.height == 1536)
        #expect(poster.file.lastPathComponent == "lighthouse.png")
    }

    // The closure API, as an XCTest would call it.
    @Test func harbourPosterWithTheClosureAPI() async throws {
        let poster = try await withCassette("harbour", bundle: .module) { client in
            try await PosterMaker(client: client, folder: posterFolder()).make(title: "Night harbour")
        }
        #expect(poster.title == "Night harbour" && poster.file.lastPathComponent == "night-harbour.png")
    }

    // Nothing is sent for an empty title: a request would be reported as a miss. The cassette's own exchanges go unused.
    @Test(.cassette("lighthouse", allowUnused: true))
    func anEmptyTitleNeverReachesTheAPI() async throws {
        await #expect(throws: PosterError.emptyTitle) {
            try await PosterMaker(client: try .cassette, folder: posterFolder()).make(title: "  ")
        }
    }
}

@Suite("PosterMaker's error handling, against a scoped simulator")
struct PosterErrorTests {
    @Test func aThrottledGenerationIsRetriedWithoutWaiting() async throws {
        let poster = try await withSimulator(faults: [.throttled(retryAfter: 30)]) { client in
            try await PosterMaker(client: client, folder: posterFolder()).make(title: "Lighthouse")
        }
        #expect(poster.height == 1536)
    }

    @Test func anExpiredImageURLIsDrawnAgain() async throws {
        let poster = try await withSimulator(faults: [.expiredImageURL]) { client in
            try await PosterMaker(client: client, folder: posterFolder()).make(title: "Lighthouse")
        }
        #expect(FileManager.default.fileExists(atPath: poster.file.path))
    }

    @Test func aServiceThatStaysBusyIsReportedAsBusy() async throws {
        await #expect(throws: PosterError.serviceBusy) {
            try await withSimulator(faults: [.unavailable(times: 4)]) { client in
                try await PosterMaker(client: client, folder: posterFolder()).make(title: "Lighthouse")
            }
        }
    }
}
