import Foundation
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageTestSupport
@testable import ZImageTesting

/// What `withFault` promises a user: the committed `calm-lake` recording (one generation, one download) answers every
/// documented failure, with no other cassette.
@Suite("withFault: one good recording answers every documented failure")
struct FaultMatrixTests {
    static let faults = DashScopeFault.documented + [.connectionReset, .expiredImageURL]

    @Test(.cassette("calm-lake", shared: true), arguments: Self.faults)
    func everyFault(_ fault: DashScopeFault) async throws {
        try await withTemporaryDirectory("fault-matrix") { folder in
            try await withFault(fault) { client in
                let outcome: Result<Int, ZImageError>
                do {
                    let generation = try await client.generateReporting(calmLake)
                    let image = try await client.downloadImage(
                        generation.result, to: folder.appendingPathComponent("lake.png"))
                    #expect(image.width == 1024)
                    outcome = .success(generation.attempts)
                } catch let error as ZImageError {
                    outcome = .failure(error)
                }
                switch (outcome, fault) {
                case (.failure(let error), _) where fault == .expiredImageURL:
                    // The generation succeeded; the download met OSS's 403, which is final.
                    #expect(error.code == .download && error.downloadFailure?.status == 403)
                case (.success(let attempts), _) where fault.isRetried:
                    // The fault took the first answer's place; the retry met the recorded one.
                    #expect(attempts == 2)
                case (.failure(let error), _) where !fault.isRetried:
                    let failure = try #require(error.apiFailure, "\(error)")
                    #expect(failure.status == fault.status && failure.code == fault.code && failure.attempts == 1)
                default:
                    Issue.record("\(fault) came to \(outcome)")
                }
            }
        }
    }

    @Test("ZImageClient.cassette and ZImageClient.make play the faults inside withFault too")
    func scopedClients() async throws {
        try await withCassette("calm-lake", allowUnused: true) { _ in
            try await withFault(.unauthorized) { _ in
                let made = try ZImageClient.make { throw CassetteTestError("a live transport was made") }
                let error = try await #require(throws: ZImageError.self) { try await made.generate(calmLake) }
                #expect(error.apiFailure?.status == 401)
            }
        }
    }

    @Test("a final fault the code catches leaves the recorded answers unused, and that is not reported")
    func unusedNotReported() async throws {
        let status = try await withCassette("calm-lake") { _ in
            try await withFault(.unauthorized) { client in
                do {
                    _ = try await client.generate(calmLake)
                    return 200
                } catch let error as ZImageError {
                    return error.apiFailure?.status ?? 0
                }
            }
        }
        #expect(status == 401)
    }

    @Test("outside a test scope it says where it works")
    func outsideAScope() async throws {
        let error = try await #require(throws: CassetteTestError.self) {
            try await withFault(.unauthorized) { _ in }
        }
        #expect(error.description.contains("withCassette"))
    }

    @Test("a recording that played a fault is not kept")
    func notRecorded() async throws {
        try await withTemporaryDirectory("fault-recording") { folder in
            try await withCassette("faulted", mode: .all, recordAgainst: .simulator, in: folder, environment: [:]) {
                _ in
                try await withFault(.unavailable()) { client in
                    _ = try await client.generate(ImageRequest(prompt: "A lighthouse", seed: 4))
                }
            }
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("faulted.json").path))
        }
    }
}
