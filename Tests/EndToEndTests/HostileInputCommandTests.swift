import Foundation
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The executables under hostile input, an unlucky CI and a full disk: exit codes from docs/COMMAND-LINE.md's table,
/// never a crash (132 is a trap, 134 an abort), a message that names the file and the field, and nothing from a cassette
/// printed raw.
@Suite("Hostile input and faults, through the executables", .timeLimit(.minutes(3)))
struct HostileInputCommandTests {
    /// A folder holding the committed Beijing cassettes, one of them edited to a status no reader may accept.
    static func hostileFolder(_ folder: URL) throws -> URL {
        let cassettes = folder.appendingPathComponent("cassettes")
        try FileManager.default.copyItem(at: committedCassettes, to: cassettes)
        let file = cassettes.appendingPathComponent("beijing/basic-generation.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        try Data(text.replacingOccurrences(of: #""status" : 200"#, with: #""status" : 1000"#).utf8).write(to: file)
        return cassettes
    }

    @Test(
        "a cassette with status 1000: check, export-har, replay and serve exit 2 naming it; validate and report fail with every report written"
    )
    func crashingStatus() async throws {
        try await withTemporaryDirectory("e2e-hostile") { folder in
            let cassettes = try Self.hostileFolder(folder)
            let beijing = cassettes.appendingPathComponent("beijing")
            let file = beijing.appendingPathComponent("basic-generation.json")
            let reason = "interactions[0].response.status is 1000; allowed: 100 to 599"
            let environment = ["HOME": folder.path]

            let check = try await run(
                "zimage", ["cassettes", "check", "--dir", cassettes.path], environment: environment)
            #expect(check.status == 2 && check.stdout.contains(reason), "\(check)")
            let har = try await run("zimage", ["cassettes", "export-har", file.path], environment: environment)
            #expect(har.status == 2 && har.stderr.contains(reason), "\(har)")
            let replay = try await run(
                "zimage", ["generate", "--prompt", "p", "--mode", "replay", "--cassette", file.path],
                environment: environment.merging(["DASHSCOPE_API_KEY": endToEndKey]) { $1 }, in: folder)
            #expect(replay.status == 2 && replay.stderr.contains(reason), "\(replay)")
            let serve = try await run(
                "zimage", ["serve", "cassettes", beijing.path, "--port", "0"], environment: environment)
            #expect(serve.status == 2 && serve.stderr.contains(reason), "\(serve)")
            let list = try await run(
                "zimage", ["cassettes", "list", "--dir", cassettes.path], environment: environment)
            #expect(list.status == 0 && list.stdout.contains("basic-generation.json  (unreadable"), "\(list)")

            let report = folder.appendingPathComponent("report.html")
            let page = try await run(
                "zimage", ["cassettes", "report", "--dir", cassettes.path, "--out", report.path],
                environment: environment)
            #expect(page.status == 1, "\(page)")
            #expect(try String(contentsOf: report, encoding: .utf8).contains("1000; allowed: 100 to 599"))

            let junit = folder.appendingPathComponent("junit.xml")
            let output = folder.appendingPathComponent("output")
            let validate = try await run(
                "validate",
                [
                    "--skip-compile", "--offline", "--cassettes", cassettes.path,
                    "--output-dir", output.path, "--junit", junit.path,
                ],
                environment: environment, in: folder)
            #expect(validate.status == 1 && validate.stdout.contains(reason), "\(validate)")
            #expect(try String(contentsOf: junit, encoding: .utf8).contains("basic-generation"))
            let evidence = output.appendingPathComponent("alicloud-ai-image-zimage-turbo")
            #expect(FileManager.default.fileExists(atPath: evidence.appendingPathComponent("summary.json").path))
            #expect(FileManager.default.fileExists(atPath: evidence.appendingPathComponent("report.html").path))
            for result in [check, har, replay, serve, list, page, validate] {
                #expect(![132, 134, 139].contains(result.status), "crashed: \(result)")
            }
        }
    }

    @Test(
        "text from a cassette never forges an annotation or reaches the terminal raw: no line starts with a command it did not write"
    )
    func injectedText() async throws {
        try await withTemporaryDirectory("e2e-hostile") { folder in
            let cassettes = folder.appendingPathComponent("cassettes")
            try FileManager.default.copyItem(at: committedCassettes, to: cassettes)
            let source = cassettes.appendingPathComponent("beijing/basic-generation.json")
            var text = try String(contentsOf: source, encoding: .utf8)
            text = text.replacingOccurrences(
                of: #""name" : "basic-generation""#,
                with: #""name" : "x\n::error file=README.md::INJECTED\u001b]0;owned\u0007""#)
            let evil = cassettes.appendingPathComponent("beijing/evil\n::add-mask::all\u{1B}[2J.json")
            try Data(text.utf8).write(to: evil)
            let environment = ["HOME": folder.path, "GITHUB_ACTIONS": "true"]
            let results = [
                try await run(
                    "validate",
                    [
                        "--skip-compile", "--offline", "--cassettes", cassettes.path,
                        "--output-dir", folder.appendingPathComponent("output").path,
                    ],
                    environment: environment, in: folder),
                try await run("zimage", ["cassettes", "list", "--dir", cassettes.path], environment: environment),
                try await run("zimage", ["cassettes", "check", "--dir", cassettes.path], environment: environment),
            ]
            #expect(results[0].status == 1 && results[2].status == 2, "validate and check fail; list only lists")
            for result in results {
                for line in (result.stdout + "\n" + result.stderr).split(separator: "\n") {
                    let trimmed = line.drop { $0 == " " || $0 == "\t" }
                    if trimmed.hasPrefix("::") {
                        // Only the tool's own annotations, with their data encoded as Actions expects.
                        #expect(
                            trimmed.hasPrefix("::error file=cassettes/beijing/") || trimmed.hasPrefix("::error title="),
                            "forged: \(line)")
                    }
                    #expect(!line.contains("\u{1B}") && !line.contains("\u{07}"), "raw control character: \(line)")
                }
            }
        }
    }

    @Test("check on an app's own cassettes (no scenario): a good folder passes; a key left in one is still an error")
    func checkAppCassettes() async throws {
        try await withTemporaryDirectory("e2e-check") { folder in
            let cassettes = folder.appendingPathComponent("Cassettes")
            try FileManager.default.copyItem(
                at: repositoryRoot.appendingPathComponent("Examples/PosterApp/Tests/PosterAppTests/Cassettes"),
                to: cassettes)
            try? FileManager.default.removeItem(at: cassettes.appendingPathComponent(".gitkeep"))
            let good = try await run(
                "zimage", ["cassettes", "check", "--dir", cassettes.path], environment: ["HOME": folder.path])
            #expect(good.status == 0 && good.stdout.contains("10 cassettes checked: 0 errors"), "\(good)")
            let file = cassettes.appendingPathComponent("harbour.json")
            let text = try String(contentsOf: file, encoding: .utf8)
            // A key-shaped value made at run time, so that no key-like literal is ever committed.
            let fakeKey = "sk-" + String(repeating: "0123456789abcdef", count: 2)
            try Data(text.replacingOccurrences(of: "Bearer <redacted>", with: "Bearer \(fakeKey)").utf8).write(to: file)
            let leaked = try await run(
                "zimage", ["cassettes", "check", "--dir", cassettes.path], environment: ["HOME": folder.path])
            #expect(leaked.status == 2 && leaked.stdout.contains("harbour.json: it holds"), "\(leaked)")
        }
    }

    @Test("a full stdout (/dev/full) exits 1 with the reason on stderr, from list, export-har and validate")
    func fullStandardOutput() async throws {
        try await withTemporaryDirectory("e2e-hostile") { folder in
            let cassette = committedCassettes.appendingPathComponent("beijing/basic-generation.json").path
            let commands: [(String, [String])] = [
                ("zimage", ["cassettes", "list", "--dir", committedCassettes.path]),
                ("zimage", ["cassettes", "export-har", cassette]),
                (
                    "validate",
                    [
                        "--skip-compile", "--offline", "--cassettes", committedCassettes.path,
                        "--output-dir", folder.appendingPathComponent("output").path,
                    ]
                ),
            ]
            for (executable, arguments) in commands {
                let path = productsFolder.appendingPathComponent(executable).path
                let result = try await runChild(
                    "/bin/sh", ["-c", #""$0" "$@" > /dev/full"#, path] + arguments,
                    environment: ["HOME": folder.path], in: folder)
                #expect(result.status == 1, "\(executable) \(arguments): \(result.status) \(result.stderr)")
                #expect(
                    result.stderr.contains("could not write to standard output: No space left on device"),
                    "\(result.stderr)")
            }
        }
    }

    @Test(
        "--output: a device is written in place, an existing folder or a path ending in / gets the image inside, a FIFO gets every byte"
    )
    func outputTargets() async throws {
        try await using(try await Workspace.start()) { workspace in
            func generate(_ output: String) async throws -> RunResult {
                try await workspace.zimage([
                    "generate", "--prompt", "a lake", "--size", "512*512", "--base-url", workspace.endpoint,
                    "--output", output,
                ])
            }
            let existing = workspace.folder.appendingPathComponent("existing")
            try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: true)
            let inside = try await generate(existing.path)
            #expect(inside.status == 0, "\(inside)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: existing.path).count == 1)
            #expect(
                !FileManager.default.fileExists(atPath: workspace.images.path), "the image went to the default folder")

            let fresh = workspace.folder.appendingPathComponent("fresh").path + "/"
            let created = try await generate(fresh)
            #expect(created.status == 0, "\(created)")
            #expect(
                try FileKind.of(fresh) == .directory
                    && FileManager.default.contentsOfDirectory(atPath: fresh).count == 1)

            let node = workspace.folder.appendingPathComponent("null")
            if mknod(node.path, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 {  // our own /dev/null
                let device = try await generate(node.path)
                #expect(device.status == 0 && FileKind.of(node.path) == .stream, "the device was replaced: \(device)")
            }

            let fifo = workspace.folder.appendingPathComponent("pipe")
            #expect(mkfifo(fifo.path, 0o644) == 0)
            let reader = Task.detached { try FileHandle(forReadingFrom: fifo).readToEnd() ?? Data() }
            let piped = try await generate(fifo.path)
            #expect(piped.status == 0, "\(piped)")
            let header = try PNGImage(verifying: try await reader.value)
            #expect(header.width == 512 && FileKind.of(fifo.path) == .stream)
        }
    }

    @Test(
        "killed at any moment (SIGTERM, SIGINT, SIGKILL), cassettes record leaves each cassette its old bytes or its complete new bytes; the next run leaves no part file"
    )
    func killedRecording() async throws {
        try await withTemporaryDirectory("e2e-killed") { folder in
            // The committed cassettes, each changed so that re-recording rewrites it: request ids differ.
            let old = folder.appendingPathComponent("old/beijing")
            try FileManager.default.createDirectory(
                at: old.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: committedCassettes.appendingPathComponent("beijing"), to: old)
            for file in CassetteLinter.cassetteFiles(in: old) {
                let text = try String(contentsOf: file, encoding: .utf8)
                try Data(text.replacingOccurrences(of: #""request_id" : ""#, with: #""request_id" : "old-"#).utf8)
                    .write(to: file)
            }
            // Each cassette's text, its recording time and image URLs' expiry aside (a rewrite in another second stamps
            // other ones).
            let stamp = try NSRegularExpression(pattern: #""recorded_at" : "[^"]*"|Expires=[0-9]+"#)
            let snapshot = { (folder: URL) throws -> [String: String] in
                Dictionary(
                    uniqueKeysWithValues: try CassetteLinter.cassetteFiles(in: folder).map { file in
                        let text = try String(contentsOf: file, encoding: .utf8)
                        return (
                            file.lastPathComponent,
                            stamp.stringByReplacingMatches(
                                in: text, range: NSRange(text.startIndex..., in: text),
                                withTemplate: "-")
                        )
                    })
            }
            let before = try snapshot(old)
            // What a complete re-recording writes.
            let complete = folder.appendingPathComponent("complete")
            try FileManager.default.copyItem(at: old.deletingLastPathComponent(), to: complete)
            let zimage = productsFolder.appendingPathComponent("zimage").path
            let full = try await runChild(
                zimage, ["cassettes", "record", "--region", "beijing", "--dir", complete.path],
                environment: ["HOME": folder.path])
            #expect(full.status == 0, "\(full.stderr)")
            let after = try snapshot(complete.appendingPathComponent("beijing"))
            #expect(after.keys == before.keys && after != before)

            let signals = [SIGTERM, SIGINT, SIGKILL]
            var interrupted = 0
            for round in 0..<9 {
                let victim = folder.appendingPathComponent("round\(round)")
                try FileManager.default.copyItem(at: old.deletingLastPathComponent(), to: victim)
                let (_, status) = try await withChild(
                    zimage, ["cassettes", "record", "--region", "beijing", "--dir", victim.path],
                    environment: ["HOME": folder.path]
                ) { child in
                    _ = try await child.read(until: "written")  // at least one scenario is done
                    try await Task.sleep(for: .milliseconds(15 * round))
                    try? child.send(signals[round % 3])  // it may have finished already
                }
                if status != 0 { interrupted += 1 }
                let left = try snapshot(victim.appendingPathComponent("beijing"))
                for (name, bytes) in left {
                    #expect(
                        bytes == before[name] || bytes == after[name], "round \(round): \(name) is neither old nor new")
                }
                let rerun = try await runChild(
                    zimage, ["cassettes", "record", "--region", "beijing", "--dir", victim.path],
                    environment: ["HOME": folder.path])
                #expect(rerun.status == 0, "\(rerun.stderr)")
                let litter = try FileManager.default.subpathsOfDirectory(atPath: victim.path).filter {
                    $0.hasSuffix(".part") || $0.hasSuffix(".lock")
                }
                #expect(litter.isEmpty, "round \(round) left \(litter)")
                #expect(try snapshot(victim.appendingPathComponent("beijing")) == after)
            }
            #expect(interrupted > 0, "no run was interrupted: the test proved nothing")
        }
    }
}
