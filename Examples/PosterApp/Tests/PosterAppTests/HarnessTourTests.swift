// The rest of ZImageTesting, as a user writes it. Every cassette here was recorded in-process, with no key and no
// binary: ZIMAGE_RECORD_MODE=once ZIMAGE_RECORD_AGAINST=simulator swift test --filter HarnessTour
import Foundation
import PosterApp
import Testing
import ZImageTesting

/// A fresh folder for posters.
private func folder() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("posters-\(UUID().uuidString)")
}

@Suite("A tour of the harness")
struct HarnessTourTests {
    // One cassette per argument case, named after the test and the case: Cassettes/HarnessTourTests/
    // eachTitleHasItsCassette/harbour-90f9f2bb4d92.json, …/lighthouse-00821c811b1a.json, …/lake-821ed2b4a6fd.json
    // (a name that is not already lower-case gets a hash of itself, so "Lake" and "lake" never share a file).
    @Test(.cassette, arguments: ["Harbour", "Lighthouse", "Lake"])
    func eachTitleHasItsCassette(title: String) async throws {
        let poster = try await PosterMaker(client: try .cassette, folder: folder()).make(title: title)
        #expect(poster.title == title && poster.height == 1536)
    }

    // An error path committed as a cassette: recorded against an in-process simulator that answered 503 first.
    @Test(.cassette("busy-then-drawn", simulate: [.unavailable(times: 1)]))
    func aBusyServiceIsRetried() async throws {
        let poster = try await PosterMaker(client: try .cassette, folder: folder()).make(title: "Busy day")
        #expect(poster.width == 1024)
    }

    // Code that sends a random seed still replays: the seed takes no part in matching here.
    @Test(.cassette("any-seed", matching: .default.ignoringJSONPaths("parameters.seed")))
    func aRandomSeedStillReplays() async throws {
        let result = try await ZImageClient.cassette.generate(
            ImageRequest(prompt: "A quiet harbour at dusk", seed: Int.random(in: 0...2_147_483_647)))
        #expect(result.width == 1024)
    }
}

// Every test in the suite gets its own cassette (Cassettes/SeasonalPosters/<function>.json), with the suite's options.
@Suite(.cassettes)
struct SeasonalPosters {
    @Test func spring() async throws {
        #expect(try await PosterMaker(client: try .cassette, folder: folder()).make(title: "Spring").title == "Spring")
    }

    @Test func winter() async throws {
        #expect(try await PosterMaker(client: try .cassette, folder: folder()).make(title: "Winter").title == "Winter")
    }
}

// Two tests, run in parallel, share one cassette: recorded together, neither loses the other's poster.
@Suite("One cassette, two tests")
struct SharedGallery {
    @Test(.cassette("gallery", shared: true))
    func north() async throws {
        #expect(try await PosterMaker(client: try .cassette, folder: folder()).make(title: "North").title == "North")
    }

    @Test(.cassette("gallery", shared: true))
    func south() async throws {
        #expect(try await PosterMaker(client: try .cassette, folder: folder()).make(title: "South").title == "South")
    }
}
