public import Foundation
public import HTTPTypes
public import ZImageHTTP

/// A recording in progress: forwards each request to another transport, keeps the exchange in memory, and writes the
/// cassette whole at ``commit(after:verifying:)``, or not at all.
///
/// The caller gets the live response as it came; the cassette gets it redacted (and moved to the real endpoints when
/// recording against another origin). In record modes new-episodes and update, a request the cassette already answers
/// is replayed and not sent. A ``CassetteDeck`` opens one; so does ``init(recordingTo:upstream:options:)``:
///
/// ```swift
/// let recording = try RecordingTransport(recordingTo: cassette, upstream: try CurlTransport(),
///                                        options: CassetteOptions(rules: .dashScope, secrets: [key.value]))
/// let client = ZImageClient(transport: recording, apiKey: key)
/// _ = try await client.generate(ImageRequest(prompt: "A calm lake"))
/// try await recording.commit()  // writes the cassette whole, redacted; throws, writing nothing, if it is not whole
/// ```
public final class RecordingTransport: Transport {
    /// Where live requests go.
    package let upstream: any Transport
    /// Where exchanges are kept until a commit writes them.
    let recorder: CassetteRecorder
    private let replayingFirst: Bool

    /// Records what `upstream` answers into `recorder`; with `replayingFirst`, what the recorder's cassette already
    /// answers is replayed instead of sent.
    init(wrapping upstream: any Transport, recorder: CassetteRecorder, replayingFirst: Bool = false) {
        self.upstream = upstream
        self.recorder = recorder
        self.replayingFirst = replayingFirst
    }

    /// Records every exchange with `upstream` into a fresh cassette at `url` (record mode `all`), written whole and
    /// redacted at ``commit(after:verifying:)``; until then the file is untouched.
    ///
    /// - Throws: ``CassetteError`` when recording is refused in CI (see ``CassetteOptions/environment``) or the file
    ///   there is not a cassette.
    public convenience init(
        recordingTo url: URL, upstream: any Transport, options: CassetteOptions = CassetteOptions()
    ) throws {
        let recording = try CassetteDeck(mode: .all, options: options).recording(
            url, upstream: RecordingUpstream(upstream))
        self.init(wrapping: upstream, recorder: recording.recorder)
    }

    /// The cassette file.
    package var url: URL { recorder.url }

    /// Replays what the cassette answers (new-episodes and update only), else forwards, records, and returns the live
    /// answer. A request that fails upstream (or is cancelled) is rethrown, and the recording is no longer whole.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let recorded = RecordedRequest(request, body: body)
        if replayingFirst, let response = await recorder.replay(recorded) {
            return response.http
        }
        await recorder.begin()
        let answer: (HTTPResponse, Data)
        do {
            answer = try await upstream.send(request, body: body)
        } catch {
            await recorder.fail(error)
            throw error
        }
        await recorder.finish(Interaction(request: recorded, response: RecordedResponse(answer.0, body: answer.1)))
        return answer
    }

    /// Writes the recording if it is whole; otherwise writes nothing, keeps the file's old bytes, and throws why.
    ///
    /// Whole means: every exchange it began completed (no transport failure, none still under way), `failure` is
    /// `nil` (the work that drove it did not throw) and the task was not cancelled, it holds at least one interaction,
    /// it keeps the contract of its ``CassetteOptions``, and `verifying` found no problem. What is written is merged
    /// under a lock with what other recorders of the file wrote meanwhile; it may be called again to write what came
    /// since.
    ///
    /// - Parameters:
    ///   - failure: what the work that drove the recording threw, if it did.
    ///   - verifying: a check of the recorded cassette (for example, that it replays to the outcome a scenario
    ///     expects); each sentence it returns is a reason not to write.
    /// - Returns: whether the file changed (a re-recording of the same exchanges leaves it byte for byte).
    /// - Throws: ``CassetteError`` with code `recordingKept` (`kept <file>: <why>; nothing was written`), or an error of
    ///   the write itself (a secret that would be written, the lock, the file system).
    @discardableResult
    public func commit(
        after failure: (any Error)? = nil, verifying: (@Sendable (Cassette) async -> [String])? = nil
    ) async throws -> CassetteFile.WriteOutcome {
        try await recorder.commit(after: failure, verifying: verifying)
    }

    /// The cassette as recorded so far (redacted, on the real endpoints).
    package var recorded: Cassette {
        get async { await recorder.snapshot }
    }

    /// The contract violations found by the last commit.
    package var violations: [ContractViolation] {
        get async { await recorder.violations }
    }
}
