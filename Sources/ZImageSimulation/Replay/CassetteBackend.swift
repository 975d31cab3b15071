package import Foundation
import HTTPTypes
import ZImage
package import ZImageCassettes

/// The `replay` behaviour: answers any HTTP client from a folder of cassettes, with the matching of
/// `ReplayingTransport` minus scheme and host (clients reach the server under its own address). Image URLs in answers
/// are rewritten to point at the server, so downloads work; an answer once used is repeated for the same request, so a
/// client may run a scenario again. A request without an answer gets 404 `NoRecordedResponse` with the nearest-match
/// report as its message, each nearest interaction named by its cassette file. Every request is logged in one line:
/// method, path, hit or miss, and the cassette file.
package struct CassetteBackend: SimulatorBackend {
    private let replay: ReplayingTransport
    /// The cassette file (relative to the folder) and position of each merged interaction.
    private let origins: [(file: String, index: Int)]
    private let log: @Sendable (String) -> Void
    private static let resultHost = try? NSRegularExpression(
        pattern: #"https://dashscope-result[A-Za-z0-9.\-]*\.aliyuncs\.com/"#)

    /// The number of interactions served from.
    package var interactionCount: Int { replay.cassette.interactions.count }

    /// Loads every cassette under `folder`, to be matched under `rules`; `log` gets one line per request.
    ///
    /// - Throws: `CassetteError` for the first cassette that cannot be replayed (unsound, or empty).
    package init(
        folder: URL, rules: CassetteRules, matching: RequestMatching = .default,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        var merged = Cassette(region: nil, source: .simulator)
        var origins: [(file: String, index: Int)] = []
        let prefix = folder.standardizedFileURL.path + "/"
        let deck = CassetteDeck(options: CassetteOptions(rules: rules, matching: matching))
        for file in CassetteLinter.cassetteFiles(in: folder) {
            let interactions = try deck.load(file).interactions
            let name = file.standardizedFileURL.path.replacingOccurrences(of: prefix, with: "")
            origins += interactions.indices.map { (name, $0) }
            merged.interactions += interactions
        }
        replay = ReplayingTransport(
            cassette: merged, path: folder.path, rules: rules, matching: matching, allowRepeats: true,
            ignoringHost: true)
        self.origins = origins
        self.log = log
    }

    /// The recorded answer to `request`, matched without scheme and host, repeating the last answer once all are used;
    /// a miss is a 404 whose body is the miss report.
    package func respond(to request: SimulatorRequest) async -> SimulatorResponse {
        let target = request.serverBaseURL.absoluteString + request.path + (request.query.map { "?\($0)" } ?? "")
        var headers: [String: String] = [:]
        for field in request.headerFields { headers[field.name.canonicalName] = field.value }
        let recorded = RecordedRequest(
            method: request.method.rawValue, url: target, headers: headers,
            body: request.body.isEmpty ? nil : request.body)
        guard let index = replay.answer(recorded) else {
            var miss = replay.miss(recorded)
            let nearest =
                miss.nearest.first.map { " (nearest: \(origins[$0.index].file) #\(origins[$0.index].index))" } ?? ""
            for position in miss.nearest.indices {  // each nearest one by its own file and position there
                let origin = origins[miss.nearest[position].index]
                miss.nearest[position].index = origin.index
                miss.nearest[position].summary = "\(origin.file): \(miss.nearest[position].summary)"
            }
            log("\(request.method.rawValue) \(request.path) miss\(nearest)")
            let body = DashScopeSimulation.errorBody(
                code: "NoRecordedResponse", message: miss.description, requestID: "replay-miss")
            return .json(404, body)
        }
        log("\(request.method.rawValue) \(request.path) hit \(origins[index].file) #\(origins[index].index)")
        let answer = replay.cassette.interactions[index].response
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        var body = answer.body
        if let pattern = Self.resultHost, let text = String(data: body, encoding: .utf8),
            text.contains("dashscope-result")
        {
            let base = request.serverBaseURL.absoluteString + "/"
            body = Data(
                pattern.stringByReplacingMatches(
                    in: text, range: NSRange(text.startIndex..., in: text),
                    withTemplate: NSRegularExpression.escapedTemplate(for: base)
                ).utf8)
        }
        return SimulatorResponse(status: answer.status, headerFields: fields, body: body)
    }
}
