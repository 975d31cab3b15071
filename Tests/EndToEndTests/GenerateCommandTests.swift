import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

@Suite("zimage generate, run as a user would, against the simulator", .timeLimit(.minutes(2)))
struct GenerateCommandTests {
    @Test("success writes a PNG of the requested size and prints the normalized JSON with every field")
    func success() async throws {
        try await using(try await Workspace.start()) { workspace in
            let output = workspace.folder.appendingPathComponent("lake.png")
            let result = try await workspace.zimage([
                "generate", "--prompt", "A calm lake at dawn", "--size", "832*1248", "--seed", "7",
                "--base-url", workspace.endpoint, "--output", output.path, "--print-response",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(Set(json.keys) == ["image_url", "width", "height", "prompt", "request_id"])
            #expect(
                json["width"] as? Int == 832 && json["height"] as? Int == 1248
                    && json["prompt"] as? String == "A calm lake at dawn")
            let header = try PNGImage(verifying: try Data(contentsOf: output))
            #expect(header.width == 832 && header.height == 1248)
            let evidence = try String(contentsOf: workspace.evidence, encoding: .utf8)
            #expect(evidence.contains(json["request_id"] as? String ?? "missing"))
            try workspace.expectNoKeyInFiles()
        }
    }

    @Test("the skill's interface with prompt_extend fills rewritten_prompt and reasoning")
    func skillInterfaceWithPromptExtend() async throws {
        try await using(try await Workspace.start(region: .singapore)) { workspace in
            let request =
                #"{"prompt":"a lighthouse","size":"1024*1024","prompt_extend":true,"base_url":"\#(workspace.endpoint)"}"#
            let result = try await workspace.zimage([
                "generate", "--request", request, "--print-response", "--region", "singapore",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect((json["rewritten_prompt"] as? String)?.hasPrefix("a lighthouse, ") == true)
            #expect((json["reasoning"] as? String)?.isEmpty == false)
            #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.images.path).count == 1)
        }
    }

    @Test("a key the API refuses exits 1 with the per-region hint")
    func unauthorized() async throws {
        try await using(try await Workspace.start()) { workspace in
            let result = try await workspace.zimage(
                ["generate", "--prompt", "p", "--base-url", workspace.endpoint], key: "sk-test-wrong-00000000")
            #expect(result.status == 1)
            #expect(result.stderr.contains("HTTP 401 InvalidApiKey") && result.stderr.contains("issued per region"))
        }
    }

    @Test("429 then 200 succeeds")
    func throttledThenSuccess() async throws {
        try await using(try await Workspace.start()) { workspace in
            workspace.server.inject(.status(429, code: "Throttling.RateQuota", retryAfter: "0"))
            let result = try await workspace.zimage(["generate", "--prompt", "p", "--base-url", workspace.endpoint])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(workspace.server.requests.map(\.status) == [429, 200, 200])
        }
    }

    @Test("a 500 after the last retry exits 1 with code, message and request id")
    func serverErrorAfterRetries() async throws {
        try await using(try await Workspace.start()) { workspace in
            workspace.server.inject(.status(500, code: "InternalError", message: "the model crashed"), times: 2)
            let result = try await workspace.zimage([
                "generate", "--prompt", "p", "--base-url", workspace.endpoint, "--max-attempts", "2",
            ])
            #expect(result.status == 1)
            for text in ["HTTP 500 InternalError", "the model crashed", "request id", "after 2 attempts"] {
                #expect(result.stderr.contains(text), "\(result.stderr)")
            }
            #expect(workspace.server.requests.count == 2)
        }
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var mentions: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test(
        "bad input exits 2 naming the field, and the simulator sees no request",
        arguments: [
            BadInput(arguments: ["--request", "{not json"], mentions: "request from --request is not valid JSON"),
            BadInput(arguments: ["--request", #"{"prompt":"p","n":2}"#], mentions: "n is not a known field"),
            BadInput(arguments: ["--size", "1024*1024"], mentions: "prompt is missing"),
            BadInput(arguments: ["--prompt", "p", "--size", "abc"], mentions: "size is \"abc\""),
            BadInput(arguments: ["--prompt", "p", "--seed", "2147483648"], mentions: "seed is 2147483648"),
            BadInput(
                arguments: ["--request", #"{"prompt":"p"}"#, "--file", "request.json"],
                mentions: "request and --file were both given"),
            BadInput(
                arguments: ["--file", "/nonexistent/request.json"],
                mentions: "file /nonexistent/request.json cannot be read"),
            BadInput(
                arguments: ["--prompt", "p", "--region", "mars"], mentions: "'mars' is invalid for '--region <region>'"),
            BadInput(arguments: ["--prompt", "p", "--mode", "replay"], mentions: "cassette is missing"),
            BadInput(arguments: ["--prompt", "p", "--mode", "record"], mentions: "cassette is missing"),
            BadInput(
                arguments: ["--prompt", "p", "--cassette", "x.json"], mentions: "apply only to --mode record or replay"),
            BadInput(arguments: ["--prompt", "p", "--no-such-flag"], mentions: "Unknown option '--no-such-flag'"),
            BadInput(
                arguments: ["--prompt", "p", "--connect-to", "dashscope.aliyuncs.com:443:127.0.0.1:0"],
                mentions: "TARGET PORT \"0\" is not a port number from 1 to 65535"),
            BadInput(
                arguments: ["--prompt", "p", "--ca-file", "/nonexistent/ca.pem"],
                mentions: "--ca-file /nonexistent/ca.pem cannot be read"),
        ])
    func badInput(_ input: BadInput) async throws {
        try await using(try await Workspace.start()) { workspace in
            let result = try await workspace.zimage(["generate", "--base-url", workspace.endpoint] + input.arguments)
            #expect(result.status == 2)
            #expect(result.stderr.contains(input.mentions), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(workspace.server.requests.isEmpty)
        }
    }

    @Test("no key anywhere exits 3 naming both places, and nothing is sent")
    func missingKey() async throws {
        try await using(try await Workspace.start()) { workspace in
            let result = try await workspace.zimage(
                ["generate", "--prompt", "p", "--base-url", workspace.endpoint], key: nil)
            #expect(result.status == 3)
            #expect(
                result.stderr.contains("DASHSCOPE_API_KEY") && result.stderr.contains("~/.alibabacloud/credentials"))
            #expect(workspace.server.requests.isEmpty)
        }
    }

    @Test("the key can come from the credentials file's profile")
    func keyFromCredentialsFile() async throws {
        try await using(try await Workspace.start()) { workspace in
            let folder = workspace.folder.appendingPathComponent("home/.alibabacloud")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("[ci]\nDashScope_API_Key = \(endToEndKey)\n".utf8).write(
                to: folder.appendingPathComponent("credentials"))
            let result = try await workspace.zimage(
                ["generate", "--prompt", "p", "--base-url", workspace.endpoint], key: nil,
                extra: ["ALIBABA_CLOUD_PROFILE": "ci"])
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test("two generations with the same prompt keep both images")
    func twoImagesKept() async throws {
        try await using(try await Workspace.start()) { workspace in
            for _ in 0..<2 {
                let result = try await workspace.zimage([
                    "generate", "--prompt", "The same lake", "--base-url", workspace.endpoint,
                ])
                #expect(result.status == 0, "\(result.stderr)")
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: workspace.images.path).sorted()
            #expect(files.count == 2 && files.allSatisfy { $0.hasPrefix("the-same-lake-") && $0.hasSuffix(".png") })
            let lines = try String(contentsOf: workspace.evidence, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2)
        }
    }

    @Test("an interrupted download leaves no partial file and exits 1")
    func interruptedDownload() async throws {
        try await using(try await Workspace.start()) { workspace in
            workspace.server.inject(.truncatedBody, pathPrefix: "/results/")
            let result = try await workspace.zimage([
                "generate", "--prompt", "p", "--base-url", workspace.endpoint, "--max-attempts", "1",
            ])
            #expect(result.status == 1)
            #expect(result.stderr.contains("could not be saved"))
            let left = (try? FileManager.default.contentsOfDirectory(atPath: workspace.images.path)) ?? []
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test("--verbose logs the exchange to stderr without the key")
    func verbose() async throws {
        try await using(try await Workspace.start()) { workspace in
            let result = try await workspace.zimage([
                "generate", "--prompt", "p", "--base-url", workspace.endpoint, "--verbose",
            ])
            #expect(result.status == 0)
            #expect(result.stderr.contains("POST generation") && result.stderr.contains("generation answered"))
        }
    }
}

@Suite("zimage probe and the rest of the command line", .timeLimit(.minutes(2)))
struct ProbeCommandTests {
    @Test("probe: ok with the right key, unauthorized with a wrong one; --json is valid JSON")
    func probe() async throws {
        try await using(try await Workspace.start()) { workspace in
            let base = workspace.server.baseURL.absoluteString
            let ok = try await workspace.zimage(["probe", "--region", "beijing", "--base-url", base, "--json"])
            #expect(ok.status == 0, "\(ok.stderr)")
            let reports = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [[String: Any]])
            #expect(
                reports.count == 1 && reports[0]["outcome"] as? String == "ok"
                    && reports[0]["http_status"] as? Int == 200)
            #expect((reports[0]["timings"] as? [String: Any])?["first_byte_ms"] is Double)

            let refused = try await workspace.zimage(
                ["probe", "--region", "beijing", "--base-url", base], key: "sk-test-wrong-00000000")
            #expect(refused.status == 1)
            #expect(refused.stdout.contains("unauthorized") && refused.stdout.contains("issued per region"))
        }
    }

    @Test("probe --offline and ZIMAGE_OFFLINE=1 send nothing")
    func offline() async throws {
        try await using(try await Workspace.start()) { workspace in
            let base = workspace.server.baseURL.absoluteString
            for (arguments, extra) in [
                (["probe", "--offline", "--base-url", base], [String: String]()),
                (["probe", "--base-url", base], ["ZIMAGE_OFFLINE": "1"]),
            ] {
                let result = try await workspace.zimage(arguments, extra: extra)
                #expect(result.status == 0)
                #expect(result.stdout.components(separatedBy: "skipped").count == 3)
            }
            #expect(workspace.server.requests.isEmpty)
        }
    }

    @Test(
        "--version and every --help work and teach with an example",
        arguments: [
            ["--help"], ["generate", "--help"], ["probe", "--help"], ["serve", "--help"],
        ])
    func help(arguments: [String]) async throws {
        try await using(try await Workspace.start()) { workspace in
            let result = try await workspace.zimage(arguments)
            #expect(result.status == 0)
            #expect(result.stdout.contains("Example"))
            let version = try await workspace.zimage(["--version"])
            #expect(version.stdout.hasPrefix("zimage \(ZImageVersion.current) (libcurl "))
        }
    }
}
