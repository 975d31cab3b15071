// Record and replay any HTTP API: the cassette layer knows HTTP, not DashScope. Here the upstream is a stand-in weather
// service (a closure); in a real suite it is the live transport.
import Foundation
import HTTPTypes
import ZImageCassettes

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("generic-cassettes-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: folder) }
let weather = ClosureTransport { request, _ in
    (HTTPResponse(status: .ok, headerFields: [.contentType: "application/json"]), Data(#"{"sky": "clear"}"#.utf8))
}

// snippet.record-replay
// Every exchange goes upstream and into memory; commit() writes the cassette whole, the bearer token redacted (and the
// write refused if the token survived anywhere).
let cassette = folder.appendingPathComponent("weather.json")
let token = "sk-test-weather-0001"
var request = HTTPRequest(method: .get, url: URL(string: "https://weather.example/v1/today?city=Hangzhou")!)
request.headerFields[.authorization] = "Bearer \(token)"

let recording = try RecordingTransport(
    recordingTo: cassette, upstream: weather, options: CassetteOptions(secrets: [token], environment: [:]))
let (_, live) = try await recording.send(request, body: nil)
try await recording.commit()

// The same request answered from the file: no network, any token.
let replaying = try ReplayingTransport(contentsOf: cassette)
let (_, replayed) = try await replaying.send(request, body: nil)
// JSON bodies are kept as JSON, so the replay is the same document (its whitespace canonical).
let sky = try JSONDecoder().decode([String: String].self, from: replayed)
let recorded = try JSONDecoder().decode([String: String].self, from: live)
assert(sky == recorded)
// snippet.end

let written = try String(contentsOf: cassette, encoding: .utf8)
precondition(sky == ["sky": "clear"] && !written.contains(token), "replayed as recorded, the token redacted")
print("recorded and replayed \(cassette.lastPathComponent): \(String(decoding: replayed, as: UTF8.self))")
