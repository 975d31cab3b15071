package import Foundation
import HTTPTypes
import HTTPTypesFoundation
import ZImage
package import ZImageCassettes
import ZImageContract

/// Replays a cassette through the real client (`ZImageClient` on a `ReplayingTransport`) and checks the outcome its
/// scenario expects. A cassette without a scenario fails: an exchange with no expectation proves nothing.
package enum ScenarioRunner {
    /// How one cassette fared.
    package struct Report: Sendable, Hashable, Codable {
        /// The scenario's name (the file name when it has none).
        package var scenario: String
        /// The cassette file.
        package var file: String
        /// Whether every check passed.
        package var passed: Bool
        /// What failed, one sentence each, with the interaction concerned when there is one.
        package var problems: [ContractViolation]
        /// The request ids the replay saw.
        package var requestIDs: [String]
        /// Attempts the client made.
        package var attempts: Int?
        /// What happened, in a few words.
        package var outcome: String

        enum CodingKeys: String, CodingKey {
            case scenario, file, passed, problems, attempts, outcome
            case requestIDs = "request_ids"
        }
    }

    /// Replays the cassette at `url` and checks it.
    package static func run(_ url: URL) async -> Report {
        await replay(url).report
    }

    /// Replays the cassette at `url` and checks it; also returns the cassette as loaded (`nil` when it could not be), for
    /// callers that show more of it than the report holds.
    package static func replay(_ url: URL) async -> (report: Report, cassette: Cassette?) {
        let name = url.deletingPathExtension().lastPathComponent
        do {
            let cassette = try CassetteDeck(options: CassetteOptions(rules: .dashScope)).load(url)
            return (await run(cassette, file: url.path), cassette)
        } catch {
            return (
                Report(
                    scenario: name, file: url.path, passed: false,
                    problems: [ContractViolation(interaction: nil, problem: "\(error)")], requestIDs: [], attempts: nil,
                    outcome: "unreadable"), nil
            )
        }
    }

    /// Replays `cassette` and checks it, in three steps: read its scenario, replay the scenario's operation through the
    /// client (``observe(_:in:file:)``, what happened), and hold what happened to what the scenario expects
    /// (``judge(_:against:)``, no I/O).
    package static func run(_ cassette: Cassette, file: String) async -> Report {
        let fallbackName = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        func unusable(_ problem: String, outcome: String) -> Report {
            Report(
                scenario: fallbackName, file: file, passed: false,
                problems: [ContractViolation(interaction: nil, problem: problem)], requestIDs: [], attempts: nil,
                outcome: outcome)
        }
        let scenario: Scenario
        do {
            guard let stored = try Scenario(of: cassette) else {
                return unusable(
                    "the cassette has no scenario, so no expected outcome: a replay without one proves nothing",
                    outcome: "no expectation")
            }
            scenario = stored
        } catch {
            return unusable("\(error)", outcome: "unreadable")
        }

        var problems = ContractChecker.check(cassette).map {
            ContractViolation(interaction: $0.interaction, problem: "contract: \($0.problem)")
        }
        if cassette.interactions.isEmpty {
            let region = cassette.dashScopeRegion?.rawValue ?? "beijing"
            problems.append(
                ContractViolation(
                    interaction: nil,
                    problem: "the cassette has no interactions, so replaying it proves nothing: record it again "
                        + "(zimage cassettes record --region \(region) --scenario \(scenario.name))"))
        }
        let transport = ReplayingTransport(cassette: cassette, path: file, rules: .dashScope)
        let observation = await observe(scenario, in: cassette, transport: transport)
        problems += judge(observation, against: scenario.expect).map {
            ContractViolation(interaction: nil, problem: $0)
        }
        let unused = transport.unusedInteractions
        if let first = unused.first {
            problems.append(
                ContractViolation(
                    interaction: first,
                    problem:
                        "recorded interactions \(unused.map { "#\($0)" }.joined(separator: ", ")) were never requested")
            )
        }
        return Report(
            scenario: scenario.name, file: file, passed: problems.isEmpty, problems: problems,
            requestIDs: observation.requestIDs, attempts: observation.attempts, outcome: observation.summary)
    }

    /// What replaying a scenario's operation came to.
    enum Observation: Sendable {
        /// The generation and the image's download succeeded.
        case generated(ImageResult, attempts: Int, imageBytes: Int)
        /// The generation succeeded, the download failed.
        case downloadFailed(ImageResult, attempts: Int, error: ZImageError)
        /// The API answered with an error.
        case apiError(ZImageError.APIFailure)
        /// The client failed otherwise (a replay miss, an undecodable answer).
        case clientFailed(any Error)
        /// The scenario's own request breaks the client's rules.
        case invalidScenario(any Error)
        /// The probe was answered with this status.
        case probed(status: Int, requestID: String?)
        /// The probe got no answer.
        case probeFailed(any Error)

        /// The request ids seen.
        var requestIDs: [String] {
            switch self {
            case .generated(let result, _, _), .downloadFailed(let result, _, _): [result.requestID]
            case .apiError(let failure): [failure.requestID].compactMap { $0 }
            case .probed(_, let requestID): [requestID].compactMap { $0 }
            case .clientFailed, .invalidScenario, .probeFailed: []
            }
        }

        /// The client's attempts, when it made any it reported.
        var attempts: Int? {
            switch self {
            case .generated(_, let attempts, _), .downloadFailed(_, let attempts, _): attempts
            case .apiError(let failure): failure.attempts
            case .clientFailed, .invalidScenario, .probed, .probeFailed: nil
            }
        }

        /// What happened, in a few words.
        var summary: String {
            switch self {
            case .generated(let result, _, let bytes):
                "success, a \(result.width)*\(result.height) PNG of \(bytes) bytes"
            case .downloadFailed(_, _, let error):
                error.downloadFailure?.status.map { "download failed with HTTP \($0)" } ?? "download failed"
            case .apiError(let failure): "HTTP \(failure.status) \(failure.code ?? "")"
            case .clientFailed, .probeFailed: "failed"
            case .invalidScenario: "invalid scenario"
            case .probed(let status, _): "HTTP \(status)"
            }
        }
    }

    /// Replays the scenario's operation through the client, as an app would call it.
    static func observe(_ scenario: Scenario, in cassette: Cassette, transport: ReplayingTransport) async -> Observation
    {
        let region = cassette.dashScopeRegion ?? .beijing
        switch scenario.operation {
        case .generate:
            let request: ImageRequest
            do {
                request = try scenario.imageRequest()
            } catch {
                return .invalidScenario(error)
            }
            let client = ZImageClient(
                transport: transport, apiKey: ReplayKey.key, region: region, timekeeper: .instant())
            let generation: ZImageClient.Generation
            do {
                generation = try await client.generateReporting(request)
            } catch {
                return (error as? ZImageError)?.apiFailure.map(Observation.apiError) ?? .clientFailed(error)
            }
            do {
                let image = try await ImageDownloader(transport: transport).fetch(generation.result)
                return .generated(generation.result, attempts: generation.attempts, imageBytes: image.count)
            } catch let error as ZImageError {
                return .downloadFailed(generation.result, attempts: generation.attempts, error: error)
            } catch {
                return .clientFailed(error)
            }
        case .probe:
            do {
                let (response, body) = try await transport.send(
                    Probe.request(url: region.probeURL, key: ReplayKey.key), body: nil)
                return .probed(status: response.status.code, requestID: WireFormat.decodeError(body).requestID)
            } catch {
                return .probeFailed(error)
            }
        }
    }

    /// What is wrong with `observation` for a scenario that expects `expect`: one sentence per broken expectation.
    static func judge(_ observation: Observation, against expect: Expectation) -> [String] {
        var problems: [String] = []
        func require(_ condition: Bool, _ problem: @autoclosure () -> String) {
            if !condition { problems.append(problem()) }
        }
        switch observation {
        case .generated(let result, _, _), .downloadFailed(let result, _, _):
            require(!result.requestID.isEmpty, "the result has no request_id")
            if let width = expect.width, let height = expect.height {
                require(
                    result.width == width && result.height == height,
                    "the result is \(result.width)*\(result.height), expected \(width)*\(height)")
            }
            if let extended = expect.extended {
                let has = result.rewrittenPrompt != nil && result.reasoning != nil
                require(
                    has == extended,
                    extended ? "rewritten_prompt or reasoning is missing" : "rewritten_prompt or reasoning is set")
            }
            if case .downloadFailed(_, _, let error) = observation {
                if let failure = error.downloadFailure, expect.outcome == .downloadError {
                    let status = failure.status
                    require(
                        status == expect.httpStatus,
                        "the download failed with \(status.map(String.init) ?? "no status"), expected HTTP "
                            + "\(expect.httpStatus ?? 0)")
                } else {
                    problems.append("the download failed: \(error)")
                }
            } else {
                require(
                    expect.outcome == .success,
                    "the generation and download succeeded, expected \(expect.outcome.rawValue)")
            }
        case .apiError(let failure):
            require(
                expect.outcome == .apiError,
                "the API answered \(observation.summary), expected \(expect.outcome.rawValue)")
            require(failure.status == expect.httpStatus, "HTTP \(failure.status), expected \(expect.httpStatus ?? 0)")
            require(failure.code == expect.code, "code \(failure.code ?? "none"), expected \(expect.code ?? "none")")
            require(failure.requestID != nil && failure.message != nil, "the error lacks a message or request id")
        case .clientFailed(let error):
            problems.append("the client failed: \(error)")
        case .invalidScenario(let error):
            problems.append("the scenario's request is invalid: \(error)")
        case .probed(let status, _):
            switch expect.outcome {
            case .success: require(status == 200, "the probe answered HTTP \(status), expected 200")
            case .unauthorized: require(status == 401, "the probe answered HTTP \(status), expected 401")
            default: problems.append("a probe cannot expect \(expect.outcome.rawValue)")
            }
        case .probeFailed(let error):
            problems.append("the probe failed: \(error)")
        }
        if let expected = expect.attempts, let attempts = observation.attempts, expected != attempts {
            problems.append("the client made \(attempts) attempts, expected \(expected)")
        }
        return problems
    }
}
