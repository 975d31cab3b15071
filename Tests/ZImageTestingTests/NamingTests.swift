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
                == "NamingTests/perCase/\(ratio)+\(expected)")
        #expect(
            CassetteNaming.path(name: "ratios", shared: false, test: test, testCase: testCase)
                == "ratios/\(ratio)+\(expected)")
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
            CassetteNaming.hash(argument) == CassetteNaming.hash(argument) && CassetteNaming.hash(argument).count == 12)
    }

    @Test(
        "two different arguments never share a file, not even when they differ only by letter case",
        arguments: [
            ("hello world", "hello-world"), ("Hello", "hello"), ("a/b", "a-b"), ("x y", "x-y"), ("NUL", "nul"),
            ("", "-"), ("case-0123456789ab", "case-0123456789ac"),
        ])
    func injective(_ one: String, _ other: String) {
        let (a, b) = (CassetteNaming.portableName(one), CassetteNaming.portableName(other))
        #expect(a != b)
        #expect(a.lowercased() != b.lowercased(), "\(a) and \(b) are one file on a case-insensitive file system")
        for name in [a, b] {
            #expect(name.utf8.count <= CassetteNaming.maximumNameBytes)
            #expect(name == name.lowercased() && !name.contains("/") && !name.contains("..") && !name.contains("\0"))
            #expect(!["con", "nul", "prn", "aux"].contains(name), "\(name) is reserved on Windows")
        }
    }

    @Test(
        "the arguments of a case are joined by +, which no name contains: (a, b-c) and (a-b, c) get two files",
        arguments: [("a", "b-c"), ("a-b", "c")])
    func joined(_ first: String, _ second: String) throws {
        let test = try #require(Test.current)
        #expect(
            CassetteNaming.path(name: "pairs", shared: false, test: test, testCase: Test.Case.current)
                == "pairs/\(first)+\(second)")
    }

    @Test("an argument that is already a portable name keeps it; one that is not gets a prefix of it and a hash")
    func readable() {
        #expect(CassetteNaming.portableName("hello-world") == "hello-world")
        #expect(CassetteNaming.portableName("0.5") == "0.5")
        let spaced = CassetteNaming.portableName("hello world")
        #expect(spaced.hasPrefix("hello-world-") && spaced.count == "hello-world-".count + 12)
        #expect(CassetteNaming.portableName(String(repeating: "long", count: 50)).utf8.count <= 53)
    }

    @Test("a cassette name a test gives must be portable: no empty, . or .. part, no control character, not reserved")
    func givenNames() throws {
        for bad in [
            "../escape", "a//b", "a/./b", "tab\there", "nul\u{0}x", "con", "posters/aux.json", "back\\slash",
            String(repeating: "x", count: 101),
        ] {
            let error = try #require(throws: CassetteTestError.self) { try CassetteNaming.validate(bad) }
            #expect(error.description.contains("allowed: names of up to 100 bytes"))
        }
        for good in ["poster", "posters/lighthouse", "Suite/function/0.5+0.5"] {
            try CassetteNaming.validate(good)
        }
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
