package import Foundation
package import HTTPTypes
package import ZImageHTTP

/// Forwards each request to another transport and records the exchange in a cassette (through a ``CassetteRecorder``).
///
/// The caller gets the live response as it came; the cassette gets it redacted (and moved to the real endpoints when
/// recording against another origin). With `replayingFirst`, a request the cassette already answers is replayed and not
/// sent: the new-episodes mode.
package final class RecordingTransport: Transport {
    /// Where live requests go.
    package let upstream: any Transport
    /// Where exchanges are kept.
    package let recorder: CassetteRecorder
    private let replayingFirst: Bool

    /// Records what `upstream` answers into `recorder`.
    package init(wrapping upstream: any Transport, recorder: CassetteRecorder, replayingFirst: Bool = false) {
        self.upstream = upstream
        self.recorder = recorder
        self.replayingFirst = replayingFirst
    }

    /// Replays what the cassette answers (new-episodes only), else forwards, records, and returns the live answer.
    package func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let recorded = RecordedRequest(request, body: body)
        if replayingFirst, let response = await recorder.replay(recorded) {
            return response.http
        }
        let (response, data) = try await upstream.send(request, body: body)
        await recorder.record(Interaction(request: recorded, response: RecordedResponse(response, body: data)))
        return (response, data)
    }
}
