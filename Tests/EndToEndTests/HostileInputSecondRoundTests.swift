import Foundation
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

/// The second attack: workflow commands mid-line, and credentials in an API URL.
@Suite("Hostile input, second round, through the executables", .timeLimit(.minutes(2)))
struct HostileInputSecondRoundTests {
    @Test("a legacy ##[ workflow command anywhere in a line, from a cassette's text or a file's name, is defused")
    func legacyCommandsMidLine() async throws {
        try await withTemporaryDirectory("e2e-hostile2") { folder in
            let cassettes = try copyOfCommittedCassettes(in: folder)
            let beijing = cassettes.appendingPathComponent("beijing")
            let source = beijing.appendingPathComponent("invalid-parameter.json")
            var text = try String(contentsOf: source, encoding: .utf8)
            // The recorded answer's code only (it comes before the scenario's expectation, keys being sorted).
            let code = try #require(text.range(of: #""code" : "InvalidParameter""#))
            text.replaceSubrange(code, with: #""code" : "Bad##[error]INJECTED""#)
            try Data(text.utf8).write(to: source)
            try Data("not a cassette".utf8).write(to: beijing.appendingPathComponent("x##[warning]forged.json"))
            let environment = ["HOME": folder.path, "GITHUB_ACTIONS": "true"]
            let results = [
                try await run(
                    "validate",
                    [
                        "--skip-compile", "--offline", "--cassettes", cassettes.path,
                        "--output-dir", folder.appendingPathComponent("output").path,
                    ], environment: environment, in: folder),
                try await run("zimage", ["cassettes", "check", "--dir", cassettes.path], environment: environment),
                try await run("zimage", ["cassettes", "list", "--dir", cassettes.path], environment: environment),
            ]
            #expect(results[0].stdout.contains("INJECTED"), "validate reports the code it read")
            #expect(results[2].stdout.contains("forged"), "list shows the file")
            for result in results {
                for line in (result.stdout + "\n" + result.stderr).split(separator: "\n") {
                    #expect(!line.contains("##["), "a legacy workflow command survived: \(line)")
                }
            }
        }
    }

    @Test(
        "a user:password@ in an API URL is refused before anything is sent, exit 2, and never repeated",
        arguments: [
            ["generate", "--prompt", "p", "--base-url", "http://alice:s3cret-pw@127.0.0.1:1/api"],
            ["probe", "--base-url", "http://alice:s3cret-pw@127.0.0.1:1"],
            ["cassettes", "record", "--region", "beijing", "--against", "http://alice:s3cret-pw@127.0.0.1:1"],
        ])
    func credentialsInURL(_ arguments: [String]) async throws {
        try await using(try await Workspace.start()) { workspace in
            let result = try await workspace.zimage(arguments)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("user:password@"), "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("s3cret-pw"), "the password was repeated")
            #expect(!FileManager.default.fileExists(atPath: workspace.evidence.path), "nothing was logged")
        }
    }

    @Test("DASHSCOPE_BASE_URL with credentials, and validate --base-url with them, are refused too")
    func credentialsInEnvironmentAndValidate() async throws {
        try await using(try await Workspace.start()) { workspace in
            let generate = try await workspace.zimage(
                ["generate", "--prompt", "p"], extra: ["DASHSCOPE_BASE_URL": "https://bob:hunter2-pw@127.0.0.1:1/x"])
            #expect(generate.status == 2 && generate.stderr.contains("base_url"), "\(generate)")
            #expect(!generate.stderr.contains("hunter2-pw"))
            let output = workspace.folder.appendingPathComponent("validate-output")
            let validate = try await run(
                "validate",
                [
                    "--skip-compile", "--live", "--base-url", "beijing=http://bob:hunter2-pw@127.0.0.1:1",
                    "--output-dir", output.path,
                ], environment: workspace.environment(), in: workspace.folder)
            #expect(validate.status == 2, "\(validate)")
            #expect(!(validate.stdout + validate.stderr).contains("hunter2-pw"))
            let files = (try? allBytes(under: output)) ?? []
            #expect(files.allSatisfy { $0.1.range(of: Data("hunter2-pw".utf8)) == nil }, "an evidence file holds it")
        }
    }
}
