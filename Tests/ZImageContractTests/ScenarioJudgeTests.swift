import Foundation
import Testing

@testable import ZImage
@testable import ZImageContractSuite

/// The runner's last step, without I/O: what happened, held to what the scenario expects. Each case is one way a
/// recording can stop telling the truth.
@Suite("The scenario runner's judgement: an observation against an expectation, one sentence per broken promise")
struct ScenarioJudgeTests {
    static let result = ImageResult(
        imageURL: "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/x.png", width: 1024, height: 1024,
        prompt: "a lake", requestID: "8a0809b4")
    static let throttled = ZImageError.APIFailure(
        status: 429, code: "Throttling.RateQuota", message: "Requests rate limit exceeded", requestID: "r-1",
        host: "dashscope.aliyuncs.com", attempts: 2)

    @Test("a success that was expected, at the expected size and attempts, has no problem")
    func successAsExpected() {
        let problems = ScenarioRunner.judge(
            .generated(Self.result, attempts: 1, imageBytes: 5_000),
            against: Expectation(outcome: .success, width: 1024, height: 1024, attempts: 1))
        #expect(problems.isEmpty)
    }

    @Test("a success where an error was expected, at the wrong size, after the wrong number of attempts")
    func successNotExpected() {
        let problems = ScenarioRunner.judge(
            .generated(Self.result, attempts: 1, imageBytes: 5_000),
            against: Expectation(outcome: .apiError, httpStatus: 429, width: 512, height: 512, attempts: 2))
        #expect(
            problems == [
                "the result is 1024*1024, expected 512*512",
                "the generation and download succeeded, expected api_error",
                "the client made 1 attempts, expected 2",
            ])
    }

    @Test("an API error is checked for its status, code and request id")
    func apiError() {
        #expect(
            ScenarioRunner.judge(
                .apiError(Self.throttled),
                against: Expectation(outcome: .apiError, httpStatus: 429, code: "Throttling.RateQuota", attempts: 2)
            ).isEmpty)
        var anonymous = Self.throttled
        anonymous.requestID = nil
        #expect(
            ScenarioRunner.judge(
                .apiError(anonymous), against: Expectation(outcome: .apiError, httpStatus: 500, code: "InternalError"))
                == [
                    "HTTP 429, expected 500", "code Throttling.RateQuota, expected InternalError",
                    "the error lacks a message or request id",
                ])
    }

    @Test("a probe can expect only success or a refused key; a failed replay is always a problem")
    func probesAndFailures() {
        #expect(
            ScenarioRunner.judge(.probed(status: 401, requestID: nil), against: .init(outcome: .unauthorized)).isEmpty)
        #expect(
            ScenarioRunner.judge(.probed(status: 200, requestID: nil), against: .init(outcome: .apiError))
                == ["a probe cannot expect api_error"])
        struct Miss: Error {}
        #expect(
            ScenarioRunner.judge(.clientFailed(Miss()), against: .init(outcome: .success))
                == ["the client failed: Miss()"])
    }
}
