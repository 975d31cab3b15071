import Foundation
import HTTPTypes
import HTTPTypesFoundation
import ZImage
import ZImageCurl

/// Image download: 1, 8 and 32 MiB PNGs from the simulator, each client a whole process so peak memory is its own:
/// - `ImageDownloader -> file` (through `ZImageClient.downloadImage`): what `zimage generate` does, streamed from
///   libcurl's write callback to a part file, verified (PNG chunks and CRCs, the size), hashed (SHA-256) and renamed
///   into place;
/// - `CurlTransport (memory)`: the body kept in memory, as `ZImageClient.imageData(for:)` keeps it;
/// - `curl -o FILE`, the fair peer of the first (it writes the file, and checks nothing), and `curl -o /dev/null`.
enum DownloadBench {
    struct Result: Codable {
        var client: String
        var mebibytes: Int
        var medianSeconds: Double
        var mebibytesPerSecond: Double
        var peakMemoryMiB: Double
    }

    /// Sizes in MiB; 0 is a 1 KiB body, the baseline of each client's memory.
    static func run(server: ChildServer, sizes: [Int] = [0, 1, 8, 32], rounds: Int = 7) throws -> [Result] {
        var results: [Result] = []
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "zimage-bench-rss-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(
            at: scratch.deletingLastPathComponent(), withIntermediateDirectories: true)
        let file = scratch.deletingLastPathComponent().appendingPathComponent(
            "zimage-bench-image-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        for size in sizes {
            let bytes = size == 0 ? 1024 : size << 20
            let url = server.base.appendingPathComponent("_bench/png/\(bytes)").absoluteString
            for (client, command) in [
                ("ImageDownloader -> file", [CommandLine.arguments[0], "fetch-child", url, file.path]),
                ("curl -o FILE", ["curl", "-s", "--noproxy", "*", "-o", file.path, url]),
                ("CurlTransport (memory)", [CommandLine.arguments[0], "fetch-child", url]),
                ("curl -o /dev/null", ["curl", "-s", "--noproxy", "*", "-o", "/dev/null", url]),
            ] {
                var runs: [(seconds: Double, peakKiB: Int)] = []
                for _ in 0..<rounds {
                    // GNU time forks from its own small process, so ru_maxrss is the command's own. (posix_spawn from
                    // here is a vfork, and exec carries this process's high-water mark into the child's ru_maxrss.)
                    let run = try spawnAndWait(["/usr/bin/time", "-f", "%M", "-o", scratch.path] + command)
                    guard run.status == 0 else { throw BenchError("\(client) failed to download \(bytes) bytes") }
                    let peak =
                        Int(
                            (try String(contentsOf: scratch, encoding: .utf8)).trimmingCharacters(
                                in: .whitespacesAndNewlines)) ?? -1
                    runs.append((run.seconds, peak))
                }
                let seconds = Stats.median(runs.map(\.seconds))
                results.append(
                    Result(
                        client: client, mebibytes: size, medianSeconds: seconds,
                        mebibytesPerSecond: size == 0 ? 0 : Double(size) / seconds,
                        peakMemoryMiB: Stats.median(runs.map { Double($0.peakKiB) / 1024 })))
            }
        }
        return results
    }

    /// The child's side: one GET through CurlTransport, streamed to `file` by `ZImageClient.downloadImage` when one is
    /// given, else the body kept in memory.
    static func fetch(_ url: String, to file: String?) async throws {
        guard let target = URL(string: url) else { throw BenchError("bad URL \(url)") }
        let transport = try CurlTransport(configuration: .init(maxResponseBytes: 64 << 20), environment: [:])
        if let file {
            let result = ImageResult(imageURL: url, width: 1024, height: 1024, prompt: "bench", requestID: "bench")
            let client = ZImageClient(transport: transport, apiKey: APIKey("sk-test-bench-0000"), region: .beijing)
            let image = try await client.downloadImage(result, to: URL(fileURLWithPath: file))
            guard image.byteCount > 0 else { throw BenchError("nothing downloaded") }
            return
        }
        let (response, body) = try await transport.send(HTTPRequest(method: .get, url: target), body: nil)
        guard response.status == .ok, body.count > 0 else { throw BenchError("HTTP \(response.status.code)") }
    }
}

/// Start-up: the wall time of whole commands, as a user or CI runs them.
enum StartupBench {
    struct Result: Codable {
        var command: String
        var medianMilliseconds: Double
        var runs: Int
    }

    static func run(root: URL, rounds: Int = 11) throws -> [Result] {
        let bin = root.appendingPathComponent(".build/release")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let environment = [
            "HOME": scratch.path, "OUTPUT_DIR": scratch.appendingPathComponent("output").path, "PATH": "/usr/bin:/bin",
        ]
        let cassettes = root.appendingPathComponent("cassettes")
        let commands: [(String, [String])] = [
            (
                "zimage generate --mode replay",
                [
                    bin.appendingPathComponent("zimage").path, "generate", "--mode", "replay",
                    "--cassette", cassettes.appendingPathComponent("beijing/basic-generation.json").path,
                    "--prompt", "A calm lake at dawn, a lone angler casting a line, cinematic lighting", "--seed",
                    "1234",
                    "--output", scratch.appendingPathComponent("lake.png").path, "--quiet",
                ]
            ),
            (
                "validate --skip-compile --offline",
                [
                    bin.appendingPathComponent("validate").path, "--skip-compile", "--offline",
                    "--cassettes", cassettes.path, "--output-dir", scratch.appendingPathComponent("output").path,
                ]
            ),
        ]
        return try commands.map { name, command in
            var samples: [Double] = []
            for _ in 0..<rounds {
                let run = try spawnAndWait(command, environment: environment)
                guard run.status == 0 else { throw BenchError("\(name) exited \(run.status)") }
                samples.append(run.seconds * 1000)
            }
            return Result(command: name, medianMilliseconds: Stats.median(samples), runs: rounds)
        }
    }
}
