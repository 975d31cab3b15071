import Foundation
import Testing

@testable import ZImageCurl
@testable import ZImageTestSupport
@testable import ZImageTesting

/// Cassettes named without thinking: after the suite path and the function, one per argument case.
@Suite("Cassette names: the test's own, one per argument case")
struct NamingTests {
    @Test("a test is named after its suite and function")
    func automatic() throws {
        let test = try #require(Test.current)
        #expect(
            CassetteNaming.path(name: nil, shared: false, test: test, testCase: Test.Case.current)
                == "NamingTests/automatic")
        #expect(CassetteNaming.path(name: "poster", shared: false, test: test, testCase: Test.Case.current) == "poster")
    }

    @Test(
        "each argument case of a parameterized test gets a file of its own, named from its arguments",
        arguments: [(0.5, "0.5"), (1.0, "1.0"), (2.0, "2.0")])
    func perCase(ratio: Double, expected: String) throws {
        let test = try #require(Test.current)
        let testCase = Test.Case.current
        #expect(
            CassetteNaming.path(name: nil, shared: false, test: test, testCase: testCase)
                == "NamingTests/perCase/\(ratio)-\(expected)")
        #expect(
            CassetteNaming.path(name: "ratios", shared: false, test: test, testCase: testCase)
                == "ratios/\(ratio)-\(expected)")
        #expect(CassetteNaming.path(name: "ratios", shared: true, test: test, testCase: testCase) == "ratios")
    }

    @Test(
        "text arguments become safe file names; one that makes none is named by a stable hash",
        arguments: [
            ("a lake at dawn", "a-lake-at-dawn"), ("../../etc/passwd", "etc-passwd"), (".hidden", "hidden"), ("🎨", "-"),
        ])
    func slugs(_ argument: String, _ expected: String) throws {
        #expect(CassetteNaming.slug(argument) == expected)
        #expect(!CassetteNaming.slug(argument).hasPrefix(".") && !CassetteNaming.slug(argument).contains("/"))
        #expect(
            CassetteNaming.hash(argument) == CassetteNaming.hash(argument) && CassetteNaming.hash(argument).count == 8)
    }
}

/// `@Suite(.cassettes)`: every test in the suite gets its own cassette (`Cassettes/SuiteTraitTests/<function>.json`).
@Suite(.cassettes)
struct SuiteTraitTests {
    @Test func calmLake() async throws {
        let result = try await ZImageClient.cassette.generate(ImageRequest(prompt: "A calm lake at dawn", seed: 7))
        #expect(result.width == 1024 && result.prompt == "A calm lake at dawn")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-suite-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await ZImageClient.cassette.downloadImage(result, to: folder.appendingPathComponent("lake.png"))
    }
}
