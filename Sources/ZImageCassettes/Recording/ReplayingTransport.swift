public import Foundation
public import HTTPTypes
import HTTPTypesFoundation
import Synchronization
public import ZImageHTTP

/// Answers from a cassette and never touches the network.
///
/// Each request is matched under a ``RequestMatching`` (strict by default) through an index (no scan); identical requests get their recorded
/// answers in recorded order, each once, unless repeats are allowed. A request with no answer throws a
/// `TransportError` of kind `unanswered` whose message is the ``CassetteMiss`` report and whose
/// `TransportError/underlying` is the miss itself.
public final class ReplayingTransport: Transport {
    /// The cassette answered from.
    public let cassette: Cassette
    /// Where it came from, for messages.
    package let path: String
    private let recordMode: String
    private let reRecordingHint: String
    private let state: Mutex<CassetteIndex>

    /// Replays `cassette`.
    ///
    /// - Parameters:
    ///   - cassette: the interactions to answer from.
    ///   - path: the cassette's file, for reports.
    ///   - rules: whose signed query parameters take no part in matching.
    ///   - matching: what a recorded request must share with a sent one (strict by default).
    ///   - allowRepeats: once every answer to a request was used, answer it with the last one again.
    ///   - ignoringHost: match without scheme and host (for a server that clients reach under its own address).
    ///   - recordMode: the record mode a miss report names.
    public init(
        cassette: Cassette, path: String = "(in memory)", rules: CassetteRules, matching: RequestMatching = .default,
        allowRepeats: Bool = false, ignoringHost: Bool = false, recordMode: String = RecordMode.none.rawValue
    ) {
        self.cassette = cassette
        self.path = path
        self.recordMode = recordMode
        reRecordingHint = rules.reRecordingHint
        state = Mutex(
            CassetteIndex(
                cassette.interactions, rules: rules, matching: matching, ignoringHost: ignoringHost,
                allowRepeats: allowRepeats))
    }

    /// Loads the cassette at `url` (validated whole, its image bodies checked by the rules) and replays it under the
    /// options' rules and matching, repeating the last answer when they allow repeats.
    ///
    /// - Throws: ``CassetteError`` when the file is missing, is not a sound cassette, or has no interactions.
    public convenience init(contentsOf url: URL, options: CassetteOptions = CassetteOptions()) throws {
        self.init(
            cassette: try CassetteDeck(options: options).load(url), path: url.path, rules: options.rules,
            matching: options.matching, allowRepeats: options.allowRepeats)
    }

    /// The recorded answer; throws `TransportError` of kind `unanswered`, the miss in `underlying`, when none matches.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let recorded = RecordedRequest(request, body: body)
        guard let index = answer(recorded) else {
            let miss = miss(recorded)
            throw TransportError(.unanswered, "Replay failed: \(miss)", underlying: miss)
        }
        return cassette.interactions[index].response.http
    }

    /// The index of the interaction that answers `request`, consumed; `nil` on a miss.
    package func answer(_ request: RecordedRequest) -> Int? {
        state.withLock { $0.take(request) }
    }

    /// Why `request` found no answer.
    package func miss(_ request: RecordedRequest) -> CassetteMiss {
        state.withLock { index in
            CassetteMiss(
                request: request, interactions: cassette.interactions, index: index, cassettePath: path,
                recordMode: recordMode,
                reRecordingHint: reRecordingHint)
        }
    }

    /// How recorded interaction `position` differs from `request`, matcher by matcher: what tells an unused interaction
    /// apart from the requests that were made.
    package func comparison(ofInteraction position: Int, with request: RecordedRequest) -> CassetteMiss.Comparison? {
        guard cassette.interactions.indices.contains(position) else { return nil }
        return state.withLock { index in
            CassetteMiss(
                request: request, interactions: [cassette.interactions[position]], index: index, cassettePath: path,
                recordMode: recordMode, reRecordingHint: reRecordingHint, limit: 1
            ).nearest.first
        }
    }

    /// The interactions no request has used yet, by position.
    public var unusedInteractions: [Int] {
        let used = state.withLock { $0.used }
        return cassette.interactions.indices.filter { !used.contains($0) }
    }
}

extension RecordedRequest {
    /// The recorded form of a request about to be sent.
    package init(_ request: HTTPRequest, body: Data?) {
        var headers: [String: String] = [:]
        for field in request.headerFields {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        self.init(
            method: request.method.rawValue, url: request.url?.absoluteString ?? "", headers: headers,
            body: body.flatMap { $0.isEmpty ? nil : $0 })
    }
}

extension RecordedResponse {
    /// The recorded form of a response.
    package init(_ response: HTTPResponse, body: Data) {
        var headers: [String: String] = [:]
        for field in response.headerFields {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        self.init(status: response.status.code, headers: headers, body: body)
    }

    /// The response as a transport returns it.
    package var http: (HTTPResponse, Data) {
        var fields = HTTPFields()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        return (HTTPResponse(status: .init(code: status), headerFields: fields), body)
    }
}
