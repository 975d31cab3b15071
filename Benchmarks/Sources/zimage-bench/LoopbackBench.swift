import AsyncHTTPClient
import Foundation
import HTTPTypes
import HTTPTypesFoundation
import NIOCore
import ZImage
import ZImageCurl

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Loopback: small POSTs to the simulator (a child process, so this process's CPU time is the client's alone), sequential
/// and 16-way concurrent, through CurlTransport, URLSession (FoundationNetworking) and AsyncHTTPClient in the same run.
enum LoopbackBench {
    struct Result: Codable {
        var client: String
        var mode: String
        var requests: Int
        var requestsPerSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var cpuMicrosecondsPerRequest: Double
        var connectionsOpened: Int
    }

    /// One client: sends a POST with `body` to `url` and returns the status.
    typealias Client = @Sendable (URL, Data) async throws -> Int

    static func clients() throws -> [(String, Client)] {
        let curl = try CurlTransport(environment: [:])
        let session = URLSession(configuration: .ephemeral)
        let http = HTTPClient.shared
        return [
            (
                "CurlTransport",
                { url, body in
                    var head = HTTPRequest(method: .post, url: url)
                    head.headerFields[.contentType] = "application/json"
                    head.headerFields[.authorization] = "Bearer \(ChildServer.key)"
                    return try await curl.send(head, body: body).0.status.code
                }
            ),
            (
                "URLSession",
                { url, body in
                    var request = URLRequest(url: url)
                    request.httpMethod = "POST"
                    request.httpBody = body
                    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                    request.setValue("Bearer \(ChildServer.key)", forHTTPHeaderField: "Authorization")
                    let (_, response) = try await session.data(for: request)
                    return (response as? HTTPURLResponse)?.statusCode ?? 0
                }
            ),
            (
                "AsyncHTTPClient",
                { url, body in
                    var request = HTTPClientRequest(url: url.absoluteString)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.headers.add(name: "Authorization", value: "Bearer \(ChildServer.key)")
                    request.body = .bytes(ByteBuffer(bytes: body))
                    let response = try await http.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 20)
                    return Int(response.status.code)
                }
            ),
        ]
    }

    static func run(server: ChildServer, sequential: Int, workers: Int, perWorker: Int) async throws -> [Result] {
        let url = server.base.appendingPathComponent("api/v1/services/aigc/multimodal-generation/generation")
        let body = Data(
            #"{"model":"z-image-turbo","input":{"messages":[{"role":"user","content":[{"text":"a lake"}]}]},"parameters":{"size":"512*512"}}"#
                .utf8)
        var results: [Result] = []
        for (name, client) in try clients() {
            for _ in 0..<20 { _ = try await client(url, body) }  // warm up: connections, caches
            for (mode, total) in [("sequential", sequential), ("concurrent-\(workers)", workers * perWorker)] {
                let connectionsBefore = try await server.connections()
                let cpuBefore = cpuSeconds()
                let started = now()
                var latencies: [Double] = []
                if mode == "sequential" {
                    for _ in 0..<total {
                        let t = now()
                        guard try await client(url, body) == 200 else { throw BenchError("\(name): a request failed") }
                        latencies.append((now() - t) * 1000)
                    }
                } else {
                    latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                        for _ in 0..<workers {
                            group.addTask {
                                var mine: [Double] = []
                                for _ in 0..<perWorker {
                                    let t = now()
                                    guard try await client(url, body) == 200 else {
                                        throw BenchError("\(name): a request failed")
                                    }
                                    mine.append((now() - t) * 1000)
                                }
                                return mine
                            }
                        }
                        return try await group.reduce(into: []) { $0 += $1 }
                    }
                }
                let wall = now() - started
                let cpu = cpuSeconds() - cpuBefore
                results.append(
                    Result(
                        client: name, mode: mode, requests: total, requestsPerSecond: Double(total) / wall,
                        p50Milliseconds: Stats.percentile(latencies, 50),
                        p99Milliseconds: Stats.percentile(latencies, 99),
                        cpuMicrosecondsPerRequest: cpu / Double(total) * 1e6,
                        connectionsOpened: try await server.connections() - connectionsBefore))
            }
        }
        return results
    }
}
