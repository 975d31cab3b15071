import Foundation
import HTTPTypes
import Synchronization
import ZImage
import ZImageCurl
import ZImageSimulator

/// The simulator in a child process (`zimage-bench serve-child`), plus three bench paths: `/_bench/bytes/N` answers N
/// bytes, `/_bench/png/N` a sound PNG of N bytes (1024*1024, one IDAT chunk of filler: the download verifies structure
/// and CRCs, not pixels), `/_bench/connections` the connections accepted so far.
struct ChildServer {
    static let key = "sk-test-bench-00000000"
    let base: URL
    let process: Process
    let input: Pipe
    private let stats: CurlTransport

    static func start() throws -> ChildServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["serve-child"]
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchError("the child server did not start") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let url = URL(string: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchError("the child server printed \(text)")
        }
        return ChildServer(base: url, process: process, input: input, stats: try CurlTransport(environment: [:]))
    }

    func connections() async throws -> Int {
        let (_, body) = try await stats.send(
            HTTPRequest(method: .get, url: base.appendingPathComponent("_bench/connections")), body: nil)
        // The stats request opens a connection of its own on first use; it is not counted against a client.
        return Int(String(decoding: body, as: UTF8.self)) ?? -1
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// The child's side: serve until stdin closes.
    static func serve() async throws {
        let box = Mutex<SimulatorServer?>(nil)
        let backend = BenchBackend(
            simulation: DashScopeSimulation(acceptedKeys: [key]), server: { box.withLock { $0 } })
        let server = try await SimulatorServer.start(backend: backend)
        box.withLock { $0 = server }
        FileHandle.standardOutput.write(Data("\(server.baseURL.absoluteString)\n".utf8))
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                _ = FileHandle.standardInput.readDataToEndOfFile()
                continuation.resume()
            }
        }
        await server.shutdown()
    }
}

struct BenchBackend: SimulatorBackend {
    let simulation: DashScopeSimulation
    let server: @Sendable () -> SimulatorServer?
    private static let blocks = Mutex<[Int: Data]>([:])

    func respond(to request: SimulatorRequest) async -> SimulatorResponse {
        if request.path == "/_bench/connections" {
            return SimulatorResponse(status: 200, body: Data(String(server()?.acceptedConnections ?? -1).utf8))
        }
        for (prefix, png) in [("/_bench/bytes/", false), ("/_bench/png/", true)] where request.path.hasPrefix(prefix) {
            guard let count = Int(request.path.dropFirst(prefix.count)) else { break }
            let body = Self.blocks.withLock { cache in
                let key = png ? -count : count
                if let cached = cache[key] { return cached }
                let made = png ? Self.png(bytes: count) : Data(repeating: 0x5a, count: count)
                cache[key] = made
                return made
            }
            var fields = HTTPFields()
            fields[.contentType] = png ? "image/png" : "application/octet-stream"
            return SimulatorResponse(status: 200, headerFields: fields, body: body)
        }
        return await simulation.respond(to: request)
    }

    /// A PNG of `bytes` bytes: signature, IHDR (1024*1024 RGB), one IDAT of filler, IEND, each chunk with its CRC.
    static func png(bytes: Int) -> Data {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + data
            return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
        }
        let header = bigEndian(1024) + bigEndian(1024) + [8, 2, 0, 0, 0]
        let fixed = 8 + 25 + 12 + 12
        let png =
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
            + chunk("IDAT", [UInt8](repeating: 0x5a, count: max(0, bytes - fixed))) + chunk("IEND", [])
        return Data(png)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> UInt32(24 - $0 * 8)) }
    }

    /// CRC-32 as PNG defines it (ISO 3309), bit by bit: run once per size, the speed does not matter.
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
