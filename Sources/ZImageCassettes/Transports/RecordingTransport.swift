public import Foundation
public import HTTPTypes
public import ZImageHTTP

/// Forwards each request to another transport and records the exchange in a cassette (through a ``CassetteRecorder``).
///
/// The caller gets the live response as it came; the cassette gets it redacted (and moved to the real endpoints when
/// recording against another origin). With `replayingFirst`, a request the cassette already answers is replayed and not
/// sent: the new-episodes mode.
///
/// ```swift
/// let recording = try RecordingTransport(recordingTo: cassette, upstream: try CurlTransport(),
///                                        options: CassetteOptions(rules: .dashScope, secrets: [key.value]))
/// let client = ZImageClient(transport: recording, apiKey: key)
/// _ = try await client.generate(ImageRequest(prompt: "A calm lake"))
/// try await recording.recorder.flush()  // writes the cassette whole, redacted
/// ```
public final class RecordingTransport: Transport {
    /// Where live requests go.
    public let upstream: any Transport
    /// Where exchanges are kept until ``CassetteRecorder/flush()`` writes them.
    public let recorder: CassetteRecorder
    private let replayingFirst: Bool

    /// Records what `upstream` answers into `recorder`; with `replayingFirst`, what the recorder's cassette already
    /// answers is replayed instead of sent.
    public init(wrapping upstream: any Transport, recorder: CassetteRecorder, replayingFirst: Bool = false) {
        self.upstream = upstream
        self.recorder = recorder
        self.replayingFirst = replayingFirst
    }

    /// Records every exchange with `upstream` into a fresh cassette at `url` (record mode `all`), written whole and
    /// redacted when the ``recorder`` is flushed; until then the file is untouched.
    ///
    /// - Throws: ``CassetteError`` when recording is refused in CI (see ``CassetteOptions/environment``) or the file
    ///   there is not a cassette.
    public convenience init(
        recordingTo url: URL, upstream: any Transport, options: CassetteOptions = CassetteOptions()
    ) throws {
        let recording = try RecordMode.all.recording(url, upstream: { upstream }, options: options)
        self.init(wrapping: upstream, recorder: recording.recorder)
    }

    /// Replays what the cassette answers (new-episodes only), else forwards, records, and returns the live answer.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let recorded = RecordedRequest(request, body: body)
        if replayingFirst, let response = await recorder.replay(recorded) {
            return response.http
        }
        let (response, data) = try await upstream.send(request, body: body)
        await recorder.record(Interaction(request: recorded, response: RecordedResponse(response, body: data)))
        return (response, data)
    }
}
