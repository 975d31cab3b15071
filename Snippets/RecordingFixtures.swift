// Recording fixtures from code: a recording transport in front of the live one (or a simulator), then a replay.
import Foundation
import ZImage
import ZImageCassettes
import ZImageContract  // CassetteOptions.dashScope: the API's redaction, matching and contract
import ZImageCurl
import ZImageSimulator

// snippet.simulator
// A DashScope simulator on 127.0.0.1: no account, no key but the one it is told to accept.
let key = APIKey("sk-test-fixtures-0001")
let server = try await SimulatorServer.start(
    simulating: DashScopeSimulation(region: .beijing, acceptedKeys: [key.value]))
let endpoint = server.generationURL
// snippet.end

// snippet.record
// Every exchange goes upstream and into memory; commit() writes the cassette whole, the key and OSS signatures
// redacted. It writes nothing, keeping the old file, if an exchange failed or the key survives anywhere.
let cassette = URL(fileURLWithPath: "Cassettes/lighthouse.json")
let recording = try RecordingTransport(
    recordingTo: cassette, upstream: try CurlTransport(),
    options: .dashScope(secrets: [key.value]))
let recorder = ZImageClient(transport: recording, apiKey: key)
let recorded = try await recorder.generate(ImageRequest(prompt: "A lighthouse at dusk", seed: 7, baseURL: endpoint))
try await recording.commit()
// snippet.end

// snippet.replay
// The same request answered from the file: no network, any key.
let replaying = try ReplayingTransport(contentsOf: cassette)
let replayed = try await ZImageClient(transport: replaying, apiKey: APIKey("sk-test-replay-0001"))
    .generate(ImageRequest(prompt: "A lighthouse at dusk", seed: 7, baseURL: endpoint))
// The same answer, but for the image URL's signature, which the cassette keeps only as REDACTED.
assert(replayed.requestID == recorded.requestID && replayed.imageURL.hasSuffix("Signature=REDACTED"))
// snippet.end

// snippet.mode
// Or let a record mode decide, through the one door every recorder and replayer uses: update replays what matches,
// records what does not, drops what nothing used, and commits only a whole recording.
let deck = CassetteDeck(mode: .update, options: .dashScope(secrets: [key.value]))
let again = try await deck.run(cassette, upstream: try CurlTransport()) { transport in
    try await ZImageClient(transport: transport, apiKey: key)
        .generate(ImageRequest(prompt: "A lighthouse at dusk", seed: 7, baseURL: endpoint))
}
assert(again.requestID == recorded.requestID)  // replayed: the request still matches
// snippet.end
await server.shutdown()
