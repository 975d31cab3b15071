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

    /// Replays `cassette` and checks it.
    package static func run(_ cassette: Cassette, file: String) async -> Report {
        let fallbackName = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let scenario: Scenario
        do {
            guard let stored = try Scenario(of: cassette) else {
                return Report(
                    scenario: fallbackName, file: file, passed: false,
                    problems: [
                        ContractViolation(
                            interaction: nil,
                            problem: "the cassette has no scenario, so no "
                                + "expected outcome: a replay without one proves nothing")
                    ],
                    requestIDs: [], attempts: nil, outcome: "no expectation")
            }
            scenario = stored
        } catch {
            return Report(
                scenario: fallbackName, file: file, passed: false,
                problems: [ContractViolation(interaction: nil, problem: "\(error)")], requestIDs: [], attempts: nil,
                outcome: "unreadable")
        }
        var problems = ContractChecker.check(cassette).map {
            ContractViolation(interaction: $0.interaction, problem: "contract: \($0.problem)")
        }
        if cassette.interactions.isEmpty {
            problems.append(
                ContractViolation(
                    interaction: nil,
                    problem: "the cassette has no interactions, so replaying it proves nothing: record it again "
                        + "(zimage cassettes record --region \(cassette.dashScopeRegion?.rawValue ?? "beijing") --scenario \(scenario.name))"
                ))
        }
        let transport = ReplayingTransport(cassette: cassette, path: file, rules: .dashScope)
        let region = cassette.dashScopeRegion ?? .beijing
        let client = ZImageClient(transport: transport, apiKey: ReplayKey.key, region: region, timekeeper: .instant())
        let expect = scenario.expect
        var requestIDs: [String] = []
        var attempts: Int?
        var outcome: String

        func require(_ condition: Bool, _ problem: @autoclosure () -> String) {
            if !condition { problems.append(ContractViolation(interaction: nil, problem: problem())) }
        }
        func fail(_ problem: String) {
            problems.append(ContractViolation(interaction: nil, problem: problem))
        }

        switch scenario.operation {
        case .generate:
            do {
                let request = try scenario.imageRequest()
                do {
                    let generation = try await client.generateReporting(request)
                    attempts = generation.attempts
                    requestIDs.append(generation.result.requestID)
                    let result = generation.result
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
                            extended
                                ? "rewritten_prompt or reasoning is missing" : "rewritten_prompt or reasoning is set")
                    }
                    do {
                        let image = try await ImageDownloader(transport: transport).fetch(result)
                        outcome = "success, a \(result.width)*\(result.height) PNG of \(image.count) bytes"
                        require(
                            expect.outcome == .success,
                            "the generation and download succeeded, expected \(expect.outcome.rawValue)")
                    } catch let error as ZImageError {
                        if let failure = error.downloadFailure, expect.outcome == .downloadError {
                            outcome = "download failed with HTTP \(failure.status.map(String.init) ?? "-")"
                            require(
                                failure.status == expect.httpStatus,
                                "the download failed with \(failure.status.map(String.init) ?? "no status"), expected HTTP \(expect.httpStatus ?? 0)"
                            )
                        } else {
                            outcome = "download failed"
                            fail("the download failed: \(error)")
                        }
                    }
                } catch let error as ZImageError {
                    if let failure = error.apiFailure {
                        attempts = failure.attempts
                        requestIDs += [failure.requestID].compactMap { $0 }
                        outcome = "HTTP \(failure.status) \(failure.code ?? "")"
                        require(
                            expect.outcome == .apiError,
                            "the API answered \(outcome), expected \(expect.outcome.rawValue)")
                        require(
                            failure.status == expect.httpStatus,
                            "HTTP \(failure.status), expected \(expect.httpStatus ?? 0)")
                        require(
                            failure.code == expect.code,
                            "code \(failure.code ?? "none"), expected \(expect.code ?? "none")")
                        require(
                            failure.requestID != nil && failure.message != nil,
                            "the error lacks a message or request id")
                    } else {
                        outcome = "failed"
                        fail("the client failed: \(error)")
                    }
                }
            } catch {
                outcome = "invalid scenario"
                fail("the scenario's request is invalid: \(error)")
            }
        case .probe:
            do {
                let (response, body) = try await transport.send(
                    Probe.request(url: region.probeURL, key: ReplayKey.key), body: nil)
                let status = response.status.code
                outcome = "HTTP \(status)"
                requestIDs += [WireFormat.decodeError(body).requestID].compactMap { $0 }
                switch expect.outcome {
                case .success: require(status == 200, "the probe answered HTTP \(status), expected 200")
                case .unauthorized: require(status == 401, "the probe answered HTTP \(status), expected 401")
                default: fail("a probe cannot expect \(expect.outcome.rawValue)")
                }
            } catch {
                outcome = "failed"
                fail("the probe failed: \(error)")
            }
        }
        if let expected = expect.attempts, let attempts, expected != attempts {
            fail("the client made \(attempts) attempts, expected \(expected)")
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
            scenario: scenario.name, file: file, passed: problems.isEmpty, problems: problems, requestIDs: requestIDs,
            attempts: attempts, outcome: outcome)
    }
}
