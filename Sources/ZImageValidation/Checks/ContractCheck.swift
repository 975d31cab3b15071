import Foundation
import HTTPTypes
import ZImage
import ZImageCassettes
import ZImageContract
import ZImageContractSuite

/// The contract tests of one region: docs/CONTRACT.md's documented payloads sent through the real ``ZImageClient``, and every
/// cassette of the region replayed through it (``ScenarioRunner``) to its scenario's expected outcome.
struct ContractCheck {
    let region: Region
    let cassettes: URL

    /// What contract-<region>.json holds.
    struct Evidence: Encodable {
        var region: String
        var cassettes: String
        var passed: Bool
        var documentedPayloads: [Check.CaseResult]
        var scenarios: [ScenarioRunner.Report]

        enum CodingKeys: String, CodingKey {
            case region, cassettes, passed, scenarios
            case documentedPayloads = "documented_payloads"
        }
    }

    /// The check, its evidence, and each cassette as report.html shows it.
    func run() async -> (check: Check, evidence: Evidence, entries: [CassetteReportPage.Entry]) {
        let started = ContinuousClock.now
        var documented: [Check.CaseResult] = [documentedRequest()]
        let (success, successID) = await documentedSuccess()
        let (failure, failureID) = await documentedError()
        documented += [success, failure]

        let files = CassetteLinter.cassetteFiles(in: cassettes)
        var scenarios: [ScenarioRunner.Report] = []
        var entries: [CassetteReportPage.Entry] = []
        var cases = documented.map {
            Check.CaseResult(name: "documented \($0.name)", passed: $0.passed, detail: $0.detail)
        }
        for file in files {
            let clock = ContinuousClock.now
            let (report, cassette) = await ScenarioRunner.replay(file)
            scenarios.append(report)
            entries.append(CassetteReportPage.entry(report, cassette: cassette))
            // The file is read again only to point at the line of the interaction the first such problem concerns.
            let line = report.problems.lazy.compactMap(\.interaction).first.flatMap { number in
                (try? Data(contentsOf: file)).flatMap { CassetteFile.line(ofInteraction: number, in: $0) }
            }
            cases.append(
                Check.CaseResult(
                    name: report.scenario, passed: report.passed,
                    detail: report.passed ? report.outcome : report.problems.map(\.description).joined(separator: "; "),
                    file: file.path, line: line ?? 1,
                    durationMilliseconds: Int(clock.duration(to: .now) / .milliseconds(1)),
                    warning: cassette.flatMap(Self.staleness)))
        }
        if files.isEmpty {
            cases.append(
                Check.CaseResult(name: "cassettes", passed: false, detail: "no cassettes in \(cassettes.path)"))
        }
        let failed = cases.filter { !$0.passed }
        let detail =
            failed.isEmpty
            ? "\(scenarios.count) cassettes replayed to their expected outcomes, \(documented.count) documented payloads read"
            : "\(failed.count) of \(cases.count) cases broke the contract"
        let requestIDs = [successID, failureID].compactMap { $0 } + scenarios.flatMap(\.requestIDs)
        let check = Check(
            .contract, region: region, status: failed.isEmpty ? .passed : .failed, detail: detail,
            durationMilliseconds: Int(started.duration(to: .now) / .milliseconds(1)), requestIDs: requestIDs,
            cases: cases)
        return (
            check,
            Evidence(
                region: region.rawValue, cassettes: cassettes.path, passed: failed.isEmpty,
                documentedPayloads: documented, scenarios: scenarios), entries
        )
    }

    /// A warning when the cassette was recorded more than ``Cassette/staleAfterDays`` days ago.
    static func staleness(of cassette: Cassette) -> String? {
        guard let days = cassette.ageInDays(), days > Cassette.staleAfterDays else { return nil }
        return "recorded \(days) days ago: re-record it to catch API drift (zimage cassettes record)"
    }

    private func documentedRequest() -> Check.CaseResult {
        let name = "request body"
        do {
            let request = ImageRequest(prompt: DocumentedExamples.prompt, seed: 1234)
            let body = try WireFormat.encodeRequest(request)
            let same = CanonicalJSON.equal(body, Data(DocumentedExamples.requestBody.utf8))
            return .init(
                name: name, passed: same,
                detail: same
                    ? "equals the documented request"
                    : "encoded \(String(decoding: body, as: UTF8.self)), not the documented request")
        } catch {
            return .init(name: name, passed: false, detail: "\(error)")
        }
    }

    private func documentedSuccess() async -> (Check.CaseResult, String?) {
        let name = "success answer"
        guard let example = DocumentedExamples.success(for: region) else {
            return (.init(name: name, passed: true, detail: "no documented example for this region"), nil)
        }
        let client = ZImageClient(
            transport: answering(200, example.body), apiKey: APIKey("sk-test-validate-0000"), region: region)
        do {
            let result = try await client.generate(ImageRequest(prompt: DocumentedExamples.prompt, size: example.size))
            var problems: [String] = []
            if URL(string: result.imageURL)?.host != example.imageHost {
                problems.append("image_url host is not \(example.imageHost)")
            }
            if result.width != example.size.width || result.height != example.size.height {
                problems.append("size \(result.width)*\(result.height), expected \(example.size)")
            }
            if result.requestID != example.requestID { problems.append("request_id \(result.requestID)") }
            if result.reasoning != nil || result.rewrittenPrompt != nil {
                problems.append("reasoning or rewritten_prompt set")
            }
            return (
                .init(
                    name: name, passed: problems.isEmpty,
                    detail: problems.isEmpty
                        ? "normalized to image_url, \(example.size), request_id" : problems.joined(separator: "; ")),
                result.requestID
            )
        } catch {
            return (.init(name: name, passed: false, detail: "\(error)"), nil)
        }
    }

    private func documentedError() async -> (Check.CaseResult, String?) {
        let name = "error answer"
        let client = ZImageClient(
            transport: answering(400, DocumentedExamples.errorBody), apiKey: APIKey("sk-test-validate-0000"),
            region: region)
        do {
            _ = try await client.generate(ImageRequest(prompt: DocumentedExamples.prompt))
            return (.init(name: name, passed: false, detail: "a 400 answer did not fail"), nil)
        } catch let error as ZImageError where error.code == .apiError {
            guard let failure = error.apiFailure else {
                return (.init(name: name, passed: false, detail: "\(error)"), nil)
            }
            let passed =
                failure.status == 400 && failure.code == "InvalidParameter"
                && failure.message == "num_images_per_prompt must be 1" && failure.requestID != nil
                && failure.attempts == 1
            return (
                .init(
                    name: name, passed: passed, detail: passed ? "HTTP 400 InvalidParameter, not retried" : "\(failure)"
                ),
                failure.requestID
            )
        } catch {
            return (.init(name: name, passed: false, detail: "\(error)"), nil)
        }
    }

    /// A transport that plays this region's API: it checks the request's endpoint and headers, then answers.
    private func answering(_ status: Int, _ body: String) -> ClosureTransport {
        let endpoint = region.generationURL
        return ClosureTransport { request, _ in
            guard request.method == .post, request.url == endpoint,
                request.headerFields[.authorization]?.hasPrefix("Bearer ") == true,
                request.headerFields[.contentType] == "application/json"
            else {
                return (
                    HTTPResponse(status: .badRequest),
                    Data(#"{"code":"UnexpectedRequest","message":"wrong endpoint or headers"}"#.utf8)
                )
            }
            return (HTTPResponse(status: .init(code: status)), Data(body.utf8))
        }
    }
}
