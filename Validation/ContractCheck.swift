import Foundation
import HTTPTypes
import ZImage

/// The documented payloads of CONTRACT.md, sent through the real ``ZImageClient`` as one region's API would answer them.
///
/// This is the contract check of a build without cassettes: it proves the client encodes the documented request and reads
/// the documented success and error answers of the region. Replaying the region's cassettes will extend it.
struct ContractCheck {
    let region: Region

    func run() async -> Check {
        let started = ContinuousClock.now
        var cases: [Check.CaseResult] = []
        var requestIDs: [String] = []

        cases.append(documentedRequest())
        let (success, successID) = await documentedSuccess()
        cases.append(success)
        let (failure, failureID) = await documentedError()
        cases.append(failure)
        requestIDs += [successID, failureID].compactMap { $0 }

        let failed = cases.filter { !$0.passed }
        return Check(
            name: "contract-\(region)", status: failed.isEmpty ? .passed : .failed,
            detail: failed.isEmpty
                ? "\(cases.count) documented payloads of \(region.displayName) read as CONTRACT.md says (no cassettes yet)"
                : "\(failed.count) of \(cases.count) documented payloads broke the contract",
            durationMilliseconds: Int(started.duration(to: .now) / .milliseconds(1)),
            requestIDs: requestIDs, cases: cases)
    }

    private func documentedRequest() -> Check.CaseResult {
        let name = "request body"
        do {
            let request = ImageRequest(prompt: DocumentedExamples.prompt, seed: 1234)
            let body = try WireFormat.encodeRequest(request)
            let same = CanonicalJSON.equal(body, Data(DocumentedExamples.requestBody.utf8))
            return .init(name: name, passed: same, detail: same ? "equals the documented request"
                : "encoded \(String(decoding: body, as: UTF8.self)), not the documented request")
        } catch {
            return .init(name: name, passed: false, detail: "\(error)")
        }
    }

    private func documentedSuccess() async -> (Check.CaseResult, String?) {
        let name = "success answer"
        let example = DocumentedExamples.success(for: region)
        let client = ZImageClient(transport: answering(200, example.body), apiKey: APIKey("sk-test-validate-0000"), region: region)
        do {
            let result = try await client.generate(ImageRequest(prompt: DocumentedExamples.prompt, size: example.size))
            var problems: [String] = []
            if URL(string: result.imageURL)?.host != example.imageHost { problems.append("image_url host is not \(example.imageHost)") }
            if result.width != example.size.width || result.height != example.size.height {
                problems.append("size \(result.width)*\(result.height), expected \(example.size)")
            }
            if result.requestID != example.requestID { problems.append("request_id \(result.requestID)") }
            if result.reasoning != nil || result.rewrittenPrompt != nil { problems.append("reasoning or rewritten_prompt set") }
            return (.init(name: name, passed: problems.isEmpty,
                          detail: problems.isEmpty ? "normalized to image_url, \(example.size), request_id" : problems.joined(separator: "; ")),
                    result.requestID)
        } catch {
            return (.init(name: name, passed: false, detail: "\(error)"), nil)
        }
    }

    private func documentedError() async -> (Check.CaseResult, String?) {
        let name = "error answer"
        let client = ZImageClient(
            transport: answering(400, DocumentedExamples.errorBody), apiKey: APIKey("sk-test-validate-0000"), region: region)
        do {
            _ = try await client.generate(ImageRequest(prompt: DocumentedExamples.prompt))
            return (.init(name: name, passed: false, detail: "a 400 answer did not fail"), nil)
        } catch ZImageError.api(let failure) {
            let passed = failure.status == 400 && failure.code == "InvalidParameter"
                && failure.message == "num_images_per_prompt must be 1" && failure.requestID != nil && failure.attempts == 1
            return (.init(name: name, passed: passed, detail: passed ? "HTTP 400 InvalidParameter, not retried" : "\(failure)"),
                    failure.requestID)
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
                return (HTTPResponse(status: .badRequest), Data(#"{"code":"UnexpectedRequest","message":"wrong endpoint or headers"}"#.utf8))
            }
            return (HTTPResponse(status: .init(code: status)), Data(body.utf8))
        }
    }
}
