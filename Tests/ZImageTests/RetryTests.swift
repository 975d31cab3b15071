import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTestSupport

@Suite("Retries on a virtual clock: no test waits for real")
struct RetryTests {
    let request = ImageRequest(prompt: "A calm lake")

    func client(
        _ transport: ScriptedTransport, _ time: VirtualTime, policy: RetryPolicy = RetryPolicy(jitter: { 1 })
    ) -> ZImageClient {
        ZImageClient(transport: transport.transport, apiKey: testKey, retryPolicy: policy, timekeeper: time.timekeeper)
    }

    @Test("429 with Retry-After, then 200: waits exactly the Retry-After, then succeeds")
    func retryAfterThenSuccess() async throws {
        let transport = ScriptedTransport([
            .error(429, code: "Throttling.RateQuota", requestID: "r-429", headers: ["Retry-After": "7"]),
            .json(200, successBody(request, requestID: "r-after-429")),
        ])
        let time = VirtualTime()
        let generation = try await client(transport, time).generateReporting(request)
        #expect(generation.result.requestID == "r-after-429")
        #expect(generation.attempts == 2)
        #expect(generation.requestIDs == ["r-429", "r-after-429"], "every attempt's id, for support")
        #expect(generation.duration == .seconds(7), "the wait is part of the generation's time")
        #expect(time.sleeps == [.seconds(7)])
        #expect(transport.requestCount == 2)
    }

    @Test("a wait the clock skips is logged as skipped; a real one as it is")
    func skippedWaitsSayNo() async throws {
        for (timekeeper, expected) in [
            (Timekeeper.instant(), "wait=7.0 seconds, skipped (a virtual clock: a replay or an in-process simulation)"),
            (VirtualTime().timekeeper, "wait=7.0 seconds"),
        ] {
            let transport = ScriptedTransport([
                .error(429, code: "Throttling.RateQuota", headers: ["Retry-After": "7"]),
                .json(200, successBody(request)),
            ])
            let (logger, lines) = memoryLogger()
            let client = ZImageClient(
                transport: transport.transport, apiKey: testKey, retryPolicy: RetryPolicy(jitter: { 1 }),
                timekeeper: timekeeper, logger: logger)
            _ = try await client.generate(request)
            let retrying = lines().filter { $0.contains("retrying") }
            #expect(retrying.count == 1 && retrying[0].hasSuffix(expected), "\(retrying)")
        }
    }

    @Test("500, 500, 200: two backoffs in doubling windows, then success")
    func twoServerErrors() async throws {
        let transport = ScriptedTransport([
            .error(500, code: "InternalError"), .error(500, code: "InternalError.Algo"),
            .json(200, successBody(request)),
        ])
        let time = VirtualTime()
        let generation = try await client(transport, time).generateReporting(request)
        #expect(generation.attempts == 3)
        #expect(time.sleeps == [.seconds(1), .seconds(2)])  // jitter pinned to the top of each window
    }

    @Test("503 then 200 succeeds")
    func unavailableThenSuccess() async throws {
        let transport = ScriptedTransport([.error(503, code: "ModelUnavailable"), .json(200, successBody(request))])
        let result = try await client(transport, VirtualTime()).generate(request)
        #expect(result.imageURL.hasPrefix("https://dashscope-result-bj"))
        #expect(transport.requestCount == 2)
    }

    @Test("400 is never retried")
    func badRequestNotRetried() async throws {
        let transport = ScriptedTransport([.error(400, code: "InvalidParameter")])
        let time = VirtualTime()
        await #expect(throws: ZImageError.self) { try await client(transport, time).generate(request) }
        #expect(transport.requestCount == 1)
        #expect(time.sleeps.isEmpty)
    }

    @Test("attempts are bounded: four 500s make four attempts and a failure that says so")
    func attemptsBounded() async throws {
        let transport = ScriptedTransport(Array(repeating: .error(500, code: "SystemError"), count: 4))
        let error = try await #require(throws: ZImageError.self) {
            try await client(transport, VirtualTime(), policy: RetryPolicy(maxAttempts: 4, jitter: { 0.5 })).generate(
                request)
        }
        #expect(transport.requestCount == 4)
        #expect(error.description.contains("after 4 attempts"))
    }

    @Test("the overall deadline: no wait is begun that would end past it")
    func deadlineRespected() async throws {
        let transport = ScriptedTransport(
            Array(repeating: .error(429, code: "Throttling", headers: ["Retry-After": "30"]), count: 10))
        let time = VirtualTime()
        let policy = RetryPolicy(maxAttempts: 10, deadline: .seconds(60))
        await #expect(throws: ZImageError.self) { try await client(transport, time, policy: policy).generate(request) }
        #expect(transport.requestCount == 3)  // at 0 s, 30 s and 60 s; a fourth would start at 90 s
        #expect(time.elapsed == .seconds(60))
    }

    @Test("the deadline counts the attempts' own time too")
    func slowAttemptsCountAgainstTheDeadline() async throws {
        let time = VirtualTime()
        let transport = ScriptedTransport(
            Array(repeating: .error(503, code: "ModelServingError"), count: 10),
            onSend: { time.advance(by: .seconds(25)) })
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .seconds(1), deadline: .seconds(60), jitter: { 1 })
        await #expect(throws: ZImageError.self) { try await client(transport, time, policy: policy).generate(request) }
        // 25 s, wait 1 s, 25 s (51 s), wait 2 s, 25 s (78 s): the next wait would end past 60 s.
        #expect(transport.requestCount == 3)
        #expect(time.elapsed <= .seconds(80))
    }

    @Test("a refused connection is retried; a timeout is not (the generation may still be running, and billed)")
    func transportFailures() async throws {
        let refused = ScriptedTransport([
            .fail(TransportError(.connectionRefused, "connection refused")), .json(200, successBody(request)),
        ])
        _ = try await client(refused, VirtualTime()).generate(request)
        #expect(refused.requestCount == 2)

        let timedOut = ScriptedTransport([.fail(TransportError(.timeout, "no answer within 300 s"))])
        let error = try await #require(throws: ZImageError.self) {
            try await client(timedOut, VirtualTime()).generate(request)
        }
        guard let failure = error.transportFailure else {
            Issue.record("expected .transport, got \(error)")
            return
        }
        #expect(failure.kind == .timeout)
        #expect(timedOut.requestCount == 1)
    }

    @Test("full jitter: each wait lies within its window, which doubles up to the cap")
    func jitterWindows() {
        let policy = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(5), jitter: { 0.5 })
        #expect(policy.delay(beforeAttempt: 2, retryAfter: nil) == .milliseconds(500))
        #expect(policy.delay(beforeAttempt: 3, retryAfter: nil) == .seconds(1))
        #expect(policy.delay(beforeAttempt: 4, retryAfter: nil) == .seconds(2))
        #expect(policy.delay(beforeAttempt: 5, retryAfter: nil) == .milliseconds(2500))  // capped at 5 s
        #expect(policy.delay(beforeAttempt: 40, retryAfter: nil) == .milliseconds(2500))
        #expect(policy.delay(beforeAttempt: 2, retryAfter: .seconds(9)) == .seconds(9))
    }

    @Test(
        "Retry-After is read as seconds or as an HTTP date",
        arguments: [
            ("7", Duration.seconds(7)), (" 0 ", .zero), ("Tue, 24 Nov 2026 12:00:30 GMT", .seconds(30)),
        ])
    func retryAfterParsing(value: String, expected: Duration) {
        let now = Date(timeIntervalSince1970: 1_795_521_600)  // Tue, 24 Nov 2026 12:00:00 GMT
        #expect(RetryPolicy.parseRetryAfter(value, now: now) == expected)
    }

    @Test("an unreadable Retry-After is ignored", arguments: ["soon", "-3", ""])
    func retryAfterUnreadable(value: String) {
        #expect(RetryPolicy.parseRetryAfter(value) == nil)
    }

    @Test("cancelling the task during a backoff ends it with CancellationError, no further attempt")
    func cancellationDuringBackoff() async throws {
        let transport = ScriptedTransport([.error(429, code: "Throttling", headers: ["Retry-After": "3600"])])
        let client = ZImageClient(
            transport: transport.transport, apiKey: testKey, retryPolicy: RetryPolicy(deadline: .seconds(7200)))
        let task = Task { try await client.generate(request) }
        while transport.requestCount == 0 { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(transport.requestCount == 1)
    }
}
