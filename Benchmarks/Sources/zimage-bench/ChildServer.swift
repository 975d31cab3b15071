import Foundation
import HTTPTypes
import Synchronization
import ZImage
import ZImageCurl
import ZImageSimulator

/// The simulator in a child process (`zimage-bench serve-child`), plus two bench paths: `/_bench/bytes/N` answers N
/// bytes, `/_bench/connections` the connections accepted so far.
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
        let (_, body) = try await stats.send(HTTPRequest(method: .get, url: base.appendingPathComponent("_bench/connections")), body: nil)
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
        let backend = BenchBackend(simulation: DashScopeSimulation(acceptedKeys: [key]), server: { box.withLock { $0 } })
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
        if request.path.hasPrefix("/_bench/bytes/"), let count = Int(request.path.dropFirst("/_bench/bytes/".count)) {
            let body = Self.blocks.withLock { cache in
                if let cached = cache[count] { return cached }
                let made = Data(repeating: 0x5a, count: count)
                cache[count] = made
                return made
            }
            var fields = HTTPFields()
            fields[.contentType] = "application/octet-stream"
            return SimulatorResponse(status: 200, headerFields: fields, body: body)
        }
        return await simulation.respond(to: request)
    }
}
