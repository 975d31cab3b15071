import Foundation
import HTTPTypes
import ZImage

/// Forwards each request to another transport and records the exchange in a cassette (through a ``CassetteRecorder``).
///
/// The caller gets the live response as it came; the cassette gets it redacted (and moved to the real endpoints when
/// recording against another origin). With `replayingFirst`, a request the cassette already answers is replayed and not
/// sent: the new-episodes mode.
public final class RecordingTransport: Transport {
    /// Where live requests go.
    public let upstream: any Transport
    /// Where exchanges are kept.
    public let recorder: CassetteRecorder
    private let replayingFirst: Bool

    /// Records what `upstream` answers into `recorder`.
    public init(wrapping upstream: any Transport, recorder: CassetteRecorder, replayingFirst: Bool = false) {
        self.upstream = upstream
        self.recorder = recorder
        self.replayingFirst = replayingFirst
    }

    public func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let recorded = RecordedRequest(request, body: body)
        if replayingFirst, let response = await recorder.replay(recorded) {
            return response.http
        }
        let (response, data) = try await upstream.send(request, body: body)
        try await recorder.record(Interaction(request: recorded, response: RecordedResponse(response, body: data)))
        return (response, data)
    }
}

/// When a cassette is replayed and when it is recorded.
public enum RecordMode: String, Sendable, Hashable, CaseIterable {
    /// Replay only; a request without a recorded answer is an error. The default.
    case none
    /// Record when the cassette does not exist yet, else replay only.
    case once
    /// Replay what matches; record and append what does not.
    case newEpisodes = "new-episodes"
    /// Always send live and record the cassette afresh.
    case all

    /// Opens a cassette in this mode.
    ///
    /// - Parameters:
    ///   - url: the cassette file.
    ///   - upstream: makes the live transport, only when the mode records.
    ///   - secrets: values that must never be written (the API key).
    ///   - region: the region recorded against (stored in a new cassette).
    ///   - rewrite: moves another origin's URLs onto the real endpoints (and marks the cassette `simulator`).
    ///   - environment: with `CI=true`, any mode that would record is refused unless `ZIMAGE_ALLOW_RECORDING=1`.
    /// - Returns: the transport, and the recorder when the mode records.
    public func open(
        _ url: URL, upstream: () throws -> any Transport, secrets: [String], region: Region?, rewrite: OriginRewrite? = nil,
        allowRepeats: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (transport: any Transport, recorder: CassetteRecorder?) {
        let exists = FileManager.default.fileExists(atPath: url.path)
        switch self {
        case .none:
            guard exists else { throw CassetteError.notFound(path: url.path, mode: rawValue) }
            return (ReplayingTransport(cassette: try CassetteFile.load(url), path: url.path, allowRepeats: allowRepeats,
                                       recordMode: rawValue), nil)
        case .once where exists:
            return (ReplayingTransport(cassette: try CassetteFile.load(url), path: url.path, allowRepeats: allowRepeats,
                                       recordMode: rawValue), nil)
        case .once, .newEpisodes, .all:
            let inCI = ["true", "1"].contains(environment["CI"]?.lowercased() ?? "")
            if inCI && environment["ZIMAGE_ALLOW_RECORDING"] != "1" {
                throw CassetteError.recordingRefused(path: url.path, mode: rawValue)
            }
            let source: Cassette.Source = rewrite == nil ? .live : .simulator
            var start = Cassette(region: region, source: source)
            if exists {
                let existing = try CassetteFile.load(url)
                start.scenario = existing.scenario
                if self == .newEpisodes {
                    start = existing
                }
            }
            let recorder = CassetteRecorder(url: url, cassette: start, secrets: secrets, rewrite: rewrite)
            return (RecordingTransport(wrapping: try upstream(), recorder: recorder, replayingFirst: self == .newEpisodes), recorder)
        }
    }
}
