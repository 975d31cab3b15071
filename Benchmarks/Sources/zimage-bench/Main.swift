import Foundation
import ZImage
import ZImageCassettes

/// `zimage-bench all --root DIR`: every measurement, a table on stdout, results in DIR/output/bench/results.json.
/// `serve-child` and `fetch-child URL` are the child processes the measurements start.
@main
struct Bench {
    struct Results: Codable {
        var date: String
        var machine: String
        var replay: [String: Double]
        var replayLoad1000Milliseconds: Double
        /// Our cassette load time by size (10, 1,000, 10,000 interactions).
        var replayLoadMilliseconds: [String: Double]
        var vcrpy: VCRPy
        var cassetter: Cassetter
        var loopback: [LoopbackBench.Result]
        var download: [DownloadBench.Result]
        var startup: [StartupBench.Result]

        struct VCRPy: Codable {
            var perRequestMicroseconds: [String: Double]
            var load1000Milliseconds: Double
            var versions: [String: String]

            enum CodingKeys: String, CodingKey {
                case perRequestMicroseconds = "per_request_us"
                case load1000Milliseconds = "load_1000_ms"
                case versions
            }
        }

        struct Cassetter: Codable {
            var perRequestMicroseconds: [String: Double]
            var loadMilliseconds: [String: Double]
            /// Sizes cassetter could not load back, with its error.
            var errors: [String: String]
            var versions: [String: String]

            enum CodingKeys: String, CodingKey {
                case perRequestMicroseconds = "per_request_us"
                case loadMilliseconds = "load_ms"
                case errors, versions
            }
        }
    }

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch arguments.first {
            case "serve-child": try await ChildServer.serve()
            case "fetch-child":
                try await DownloadBench.fetch(
                    arguments.count > 1 ? arguments[1] : "",
                    to: arguments.count > 2 ? arguments[2] : nil)
            case "network":  // the loopback and download sections alone, for quick comparisons
                let server = try ChildServer.start()
                defer { server.stop() }
                for item in try await LoopbackBench.run(server: server, sequential: 500, workers: 16, perWorker: 100) {
                    print(
                        item.client, item.mode, Int(item.requestsPerSecond), "req/s", item.connectionsOpened,
                        "connections")
                }
                for item in try DownloadBench.run(server: server) {
                    print(
                        item.client, item.mebibytes, "MiB", Int(item.mebibytesPerSecond), "MiB/s", item.peakMemoryMiB,
                        "MiB peak")
                }
            case "load":  // where loading a 1,000-interaction cassette goes
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-bench-load")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for size in [10, 1000] {
                    print("CassetteFile.load of \(size):", try ReplayBench.load(size, in: folder), "ms")
                }
                let data = try Data(contentsOf: folder.appendingPathComponent("load-1000.json"))
                let t = now()
                _ = try JSONSerialization.jsonObject(with: data)
                print("JSONSerialization of the file:", (now() - t) * 1000, "ms")
            case "replay":  // the replay section alone, for quick comparisons
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-bench-replay")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for size in ReplayBench.sizes {
                    print("\(size): \(try await ReplayBench.perRequest(size, in: folder)) µs per request")
                }
            case "all":
                try await all(
                    root: URL(fileURLWithPath: value(of: "--root", in: arguments) ?? ".."),
                    python: value(of: "--python", in: arguments) ?? "python3")
            default:
                print("usage: zimage-bench all [--root REPO] [--python PYTHON-WITH-VCRPY]")
                exit(2)
            }
        } catch {
            FileHandle.standardError.write(Data("zimage-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func value(of flag: String, in arguments: [String]) -> String? {
        arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }

    static func all(root: URL, python: String) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        log("replay: ReplayingTransport at \(ReplayBench.sizes) interactions")
        var replay: [String: Double] = [:]
        for size in ReplayBench.sizes {
            replay[String(size)] = try await ReplayBench.perRequest(size, in: scratch)
            try ReplayBench.export(size, to: scratch.appendingPathComponent("interactions-\(size).jsonl"))
        }
        var loads: [String: Double] = [:]
        for size in ReplayBench.sizes { loads[String(size)] = try ReplayBench.load(size, in: scratch) }
        let load = loads["1000"] ?? .nan
        log("replay: vcrpy through requests (\(python))")
        let vcrpy: Results.VCRPy = try runPeer("vcrpy_bench.py", python: python, root: root, folder: scratch)
        log("replay: cassetter through its Python API (\(python))")
        let cassetter: Results.Cassetter = try runPeer(
            "cassetter_bench.py", python: python, root: root, folder: scratch)

        log("loopback: CurlTransport, URLSession, AsyncHTTPClient against the simulator (child process)")
        let server = try ChildServer.start()
        defer { server.stop() }
        let loopback = try await LoopbackBench.run(server: server, sequential: 500, workers: 16, perWorker: 100)
        log(
            "download: 1, 8, 32 MiB PNGs, ImageDownloader to a file, CurlTransport in memory, curl -o FILE and -o /dev/null"
        )
        let download = try DownloadBench.run(server: server)
        log("start-up: whole commands")
        let startup = try StartupBench.run(root: root)

        let results = Results(
            date: ISO8601DateFormatter().string(from: Date()), machine: machine(), replay: replay,
            replayLoad1000Milliseconds: load,
            replayLoadMilliseconds: loads, vcrpy: vcrpy, cassetter: cassetter, loopback: loopback, download: download,
            startup: startup)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let output = root.appendingPathComponent("output/bench/results.json")
        try FileManager.default.createDirectory(
            at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (try encoder.encode(results) + Data("\n".utf8)).write(to: output, options: .atomic)
        print(table(results))
        print("\nwrote \(output.path)")
    }

    /// Runs a Python peer of the replay benchmark over the exported interactions and reads its JSON.
    static func runPeer<Result: Decodable>(_ script: String, python: String, root: URL, folder: URL) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [python, root.appendingPathComponent("Benchmarks/peers/\(script)").path, folder.path]
            + ReplayBench.sizes.map(String.init)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("the peer \(script) failed (is it installed for \(python)?)")
        }
        return try JSONDecoder().decode(Result.self, from: data)
    }

    static func machine() -> String {
        let cpu =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return
            "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu), \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("· \(line)\n".utf8))
    }

    static func table(_ r: Results) -> String {
        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        var lines: [String] = [
            "## Replay (median per request)", "",
            "| interactions | ReplayingTransport µs | vcrpy µs | ratio | cassetter µs | ratio |",
            "|---|---|---|---|---|---|",
        ]
        for size in ReplayBench.sizes.map(String.init) {
            let ours = r.replay[size] ?? .nan
            let vcrpy = r.vcrpy.perRequestMicroseconds[size] ?? .nan
            let cassetter = r.cassetter.perRequestMicroseconds[size] ?? .nan
            let peer =
                r.cassetter.errors[size] == nil ? "\(f(cassetter, 2)) | \(f(cassetter / ours, 2))×" : "cannot load | -"
            lines.append("| \(size) | \(f(ours, 2)) | \(f(vcrpy)) | \(f(vcrpy / ours, 0))× | \(peer) |")
        }
        lines += [
            "", "## Cassette load (median)", "",
            "| interactions | CassetteFile.load ms | vcrpy ms | ratio | cassetter ms | ratio |",
            "|---|---|---|---|---|---|",
        ]
        for size in ReplayBench.sizes.map(String.init) {
            let ours = r.replayLoadMilliseconds[size] ?? .nan
            let vcrpy = size == "1000" ? r.vcrpy.load1000Milliseconds : .nan
            let cassetter = r.cassetter.loadMilliseconds[size] ?? .nan
            let peer =
                r.cassetter.errors[size] == nil ? "\(f(cassetter, 2)) | \(f(cassetter / ours, 2))×" : "cannot load | -"
            lines.append(
                "| \(size) | \(f(ours, 2)) | \(vcrpy.isNaN ? "-" : f(vcrpy, 2)) | \(vcrpy.isNaN ? "-" : f(vcrpy / ours, 2) + "×") | "
                    + "\(peer) |")
        }
        for (size, error) in r.cassetter.errors.sorted(by: { $0.key < $1.key }) {
            lines.append("\ncassetter at \(size) interactions: \(error)")
        }
        lines += [
            "", "## Loopback (small POSTs to the simulator)", "",
            "| client | mode | req/s | p50 ms | p99 ms | CPU µs/req | connections |", "|---|---|---|---|---|---|---|",
        ]
        for item in r.loopback {
            lines.append(
                "| \(item.client) | \(item.mode) | \(f(item.requestsPerSecond, 0)) | \(f(item.p50Milliseconds, 3)) | "
                    + "\(f(item.p99Milliseconds, 3)) | \(f(item.cpuMicrosecondsPerRequest, 0)) | \(item.connectionsOpened) |"
            )
        }
        lines += [
            "", "## Download (whole processes, median)", "", "| client | body | seconds | MiB/s | peak MiB |",
            "|---|---|---|---|---|",
        ]
        for item in r.download {
            let size = item.mebibytes == 0 ? "1 KiB" : "\(item.mebibytes) MiB"
            let rate = item.mebibytes == 0 ? "-" : f(item.mebibytesPerSecond, 0)
            lines.append(
                "| \(item.client) | \(size) | \(f(item.medianSeconds, 3)) | \(rate) | \(f(item.peakMemoryMiB)) |")
        }
        lines += ["", "## Start-up (whole commands, median)", "", "| command | ms |", "|---|---|"]
        for item in r.startup { lines.append("| \(item.command) | \(f(item.medianMilliseconds)) |") }
        return lines.joined(separator: "\n")
    }
}
