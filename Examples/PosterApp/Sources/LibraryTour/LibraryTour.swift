import Foundation
import ZImage
import ZImageCassettes
import ZImageCurl
import ZImageSimulator

/// What a server or an app does with the library, public API only, offline: the simulator on loopback plays DashScope,
/// reached through a connect-to route as a real host would be. `make test` runs it (`swift run LibraryTour`); it exits
/// 1 when anything is not as it says.
@main
struct LibraryTour {
    static func main() async {
        do {
            try await tour()
        } catch {
            print("LibraryTour failed: \(error)")
            exit(1)
        }
    }

    static func tour() async throws {
        let key = APIKey("sk-test-tour-00000000")
        let server = try await SimulatorServer.start(
            simulating: DashScopeSimulation(region: .beijing, acceptedKeys: [key.value]))
        defer { Task { await server.shutdown() } }

        // The live transport's whole configuration: timeouts, a CA file to trust instead of the system's (a private CA;
        // here the system bundle, when there is one), and a connect-to route that sends a host's connections elsewhere
        // with the URL and TLS name unchanged.
        let route = ConnectRoute(
            host: "images.example.invalid", port: 80, targetHost: "127.0.0.1", targetPort: server.port)
        let caFile = ["/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"].first(
            where: FileManager.default.fileExists)
        let live = try CurlTransport(
            configuration: .init(
                connectTimeout: .seconds(5), totalTimeout: .seconds(60), caFile: caFile, connectTo: [route]),
            environment: [:])
        let endpoint = try require(
            URL(string: "http://images.example.invalid/api/v1/services/aigc/multimodal-generation/generation"),
            "endpoint URL")

        // Recording through a RecordingTransport: the exchanges stay in memory until commit() writes the cassette whole,
        // the key redacted. (A scratch cassette: the CI guard, which refuses recording under CI=true, is for fixtures.)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("library-tour-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cassette = folder.appendingPathComponent("tour.json")
        let recording = try RecordingTransport(
            recordingTo: cassette, upstream: live, options: CassetteOptions(secrets: [key.value], environment: [:]))

        // A generation's report: the result, the attempts, the time taken, every request id.
        let client = ZImageClient(transport: recording, apiKey: key, region: .beijing)
        let generation = try await client.generateReporting(
            ImageRequest(prompt: "A lighthouse at dusk", seed: 7, baseURL: endpoint))
        try check(generation.attempts == 1, "one attempt, got \(generation.attempts)")
        try check(generation.requestIDs == [generation.result.requestID], "the request ids are the result's")
        print(
            "generated \(generation.result.width)*\(generation.result.height) in \(generation.attempts) attempt(s), "
                + "\(generation.duration), request id \(generation.result.requestID)")

        // The image's bytes in memory, verified whole (a PNG sound to its last chunk, of the result's size).
        let bytes = try await client.imageData(for: generation.result)
        try check(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "the bytes are a PNG")
        print("fetched the image in memory: \(bytes.count) bytes")

        // The same image streamed to a file, verified as it arrives.
        let saved = try await client.downloadImage(
            generation.result, to: folder.appendingPathComponent("lighthouse.png"))
        try check(saved.byteCount == bytes.count, "the file has the bytes fetched in memory")
        try check(
            saved.width == generation.result.width && saved.height == generation.result.height,
            "the PNG verified on the way is the result's size")
        print("streamed it to \(saved.path.lastPathComponent): sha256 \(saved.sha256.prefix(16))…")

        // Commit the recording (whole, or nothing), then replay it offline with a ReplayingTransport: the same result, no network.
        let outcome = try await recording.commit()
        let replaying = try ReplayingTransport(contentsOf: cassette)
        let replayed = try await ZImageClient(
            transport: replaying, apiKey: APIKey("sk-test-replay-0000"), region: .beijing
        )
        .generate(ImageRequest(prompt: "A lighthouse at dusk", seed: 7, baseURL: endpoint))
        try check(replayed == generation.result, "the replay gives the recorded result")
        let text = try String(contentsOf: cassette, encoding: .utf8)
        try check(!text.contains(key.value), "the key is not in the cassette")
        print("recorded \(cassette.lastPathComponent) (\(outcome)) and replayed it: the same result, the key redacted")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func check(_ condition: Bool, _ what: String) throws {
        guard condition else { throw Failure(description: "expected: \(what)") }
    }

    static func require<Value>(_ value: Value?, _ what: String) throws -> Value {
        guard let value else { throw Failure(description: "missing: \(what)") }
        return value
    }
}
