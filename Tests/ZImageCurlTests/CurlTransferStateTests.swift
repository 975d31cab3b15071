import HTTPTypes
import Testing

@testable import ZImageCurl

/// The rules a libcurl transfer follows, driven event by event without a handle or a socket: the cap on every response,
/// the sink's head once per response, which failure wins, and resuming the caller once.
@Suite("CurlTransferState: a transfer's rules without I/O")
struct CurlTransferStateTests {
    struct SinkBroke: Error {}

    func state(cap: Int = 100, streams: Bool = false, get: Bool = true) -> CurlTransferState {
        CurlTransferState(maxResponseBytes: cap, streamsBody: streams, followsRedirects: get)
    }

    @Test("a body kept in memory is kept up to the cap, exactly, and stopped one byte past it")
    func capOnKeptBody() {
        var transfer = state(cap: 100)
        transfer.responseBegan()
        let result1 = transfer.receivedBody(count: 60)
        #expect(result1 == .keep)
        let result2 = transfer.receivedBody(count: 40)
        #expect(result2 == .keep)
        let result3 = transfer.receivedBody(count: 1)
        #expect(result3 == .stop)
        let result4 = transfer.receivedBody(count: 1)
        #expect(result4 == .stop, "once stopped, every later chunk is refused")
        guard case .failure(.transport(tooLarge: true)) = transfer.completed(succeeded: false, status: 200) else {
            Issue.record("a transfer stopped by the cap must complete as too large")
            return
        }
    }

    @Test("each response starts its count afresh: a redirect's body does not count against the final one")
    func countPerResponse() {
        var transfer = state(cap: 100)
        transfer.responseBegan()
        let result5 = transfer.receivedBody(count: 90)
        #expect(result5 == .keep)
        transfer.responseBegan()
        let result6 = transfer.receivedBody(count: 90)
        #expect(result6 == .keep)
        #expect(transfer.receivedBytes == 90)
    }

    @Test("libcurl's own byte count is capped too (a followed redirect's body it reads without handing over)")
    func progressCap() {
        var transfer = state(cap: 100)
        let result7 = transfer.progressed(downloaded: 100)
        #expect(result7)
        let result8 = transfer.progressed(downloaded: 101)
        #expect(!result8)
        let result9 = transfer.progressed(downloaded: 0)
        #expect(!result9, "a stopped transfer does not go on")
        guard case .failure(.transport(tooLarge: true)) = transfer.completed(succeeded: false, status: 302) else {
            Issue.record("a transfer stopped by the progress cap must complete as too large")
            return
        }
    }

    @Test("a sink gets each response's head once, before that response's first bytes")
    func headOncePerResponse() {
        var transfer = state(streams: true)
        transfer.responseBegan()
        let result10 = transfer.receivedBody(count: 10)
        #expect(result10 == .deliver(headFirst: true))
        let result11 = transfer.receivedBody(count: 10)
        #expect(result11 == .deliver(headFirst: false))
        transfer.responseBegan()  // a 100 Continue or a redirect before the final response
        let result12 = transfer.receivedBody(count: 10)
        #expect(result12 == .deliver(headFirst: true))
        guard case .success(deliverHead: false) = transfer.completed(succeeded: true, status: 200) else {
            Issue.record("the head was delivered with the body; completion must not deliver it again")
            return
        }
    }

    @Test("an empty streamed body still hands the sink its head, at completion")
    func emptyStreamedBody() {
        var transfer = state(streams: true)
        transfer.responseBegan()
        guard case .success(deliverHead: true) = transfer.completed(succeeded: true, status: 204) else {
            Issue.record("an empty body's head must reach the sink at completion")
            return
        }
    }

    @Test("the sink's error wins over libcurl's code, and stops the transfer")
    func sinkErrorWins() {
        var transfer = state(streams: true)
        let result13 = transfer.receivedBody(count: 10)
        #expect(result13 == .deliver(headFirst: true))
        transfer.sinkFailed(SinkBroke())
        let result14 = transfer.receivedBody(count: 10)
        #expect(result14 == .stop)
        guard case .failure(.sink(let error)) = transfer.completed(succeeded: false, status: 200) else {
            Issue.record("the sink's error must be what the caller gets")
            return
        }
        #expect(error is SinkBroke)
    }

    @Test("a status HTTP cannot have is refused, even when libcurl succeeded")
    func invalidStatus() {
        for status in [0, 99, 1000] {
            var transfer = state()
            guard case .failure(.invalidStatus(status)) = transfer.completed(succeeded: true, status: status) else {
                Issue.record("status \(status) must be refused")
                continue
            }
        }
        #expect(CurlTransferState.isValid(status: 100) && CurlTransferState.isValid(status: 999))
    }

    @Test("a redirect answering a POST is refused with its location; a GET's final 3xx without one is an answer")
    func redirects() {
        var post = state(get: false)
        post.responseBegan()
        _ = post.received(HTTPField(name: .location, value: "https://elsewhere.example/x"))
        guard
            case .failure(.redirectNotFollowed(302, "https://elsewhere.example/x")) =
                post.completed(succeeded: true, status: 302)
        else {
            Issue.record("a POST's redirect must not be followed")
            return
        }
        var get = state(get: true)
        _ = get.received(HTTPField(name: .location, value: "https://elsewhere.example/x"))
        guard case .success = get.completed(succeeded: true, status: 304) else {
            Issue.record("a GET's final 3xx (libcurl followed what it could) is the answer")
            return
        }
    }

    @Test("a Content-Length reserves memory for a kept body, never past the cap, and nothing for a streamed one")
    func reserve() {
        var kept = state(cap: 1_000)
        let result15 = kept.received(HTTPField(name: .contentLength, value: "500"))
        #expect(result15 == 500)
        let result16 = kept.received(HTTPField(name: .contentLength, value: "9999999999"))
        #expect(result16 == 1_000)
        let result17 = kept.received(HTTPField(name: .contentLength, value: "-1"))
        #expect(result17 == nil)
        let result18 = kept.received(HTTPField(name: .contentType, value: "image/png"))
        #expect(result18 == nil)
        var streamed = state(cap: 1_000, streams: true)
        let result19 = streamed.received(HTTPField(name: .contentLength, value: "500"))
        #expect(result19 == nil)
    }

    @Test("a new response drops the previous one's fields")
    func fieldsPerResponse() {
        var transfer = state()
        _ = transfer.received(HTTPField(name: .location, value: "/next"))
        transfer.responseBegan()
        _ = transfer.received(HTTPField(name: .contentType, value: "image/png"))
        #expect(transfer.fields[.location] == nil)
        #expect(transfer.fields[.contentType] == "image/png")
    }

    @Test("the caller is resumed once: a shutdown or a cancellation after completion changes nothing")
    func finishOnce() {
        var transfer = state()
        #expect(!transfer.isFinished)
        let result20 = transfer.finish()
        #expect(result20)
        let result21 = transfer.finish()
        #expect(!result21)
        #expect(transfer.isFinished)
        let result22 = transfer.receivedBody(count: 1)
        #expect(result22 == .stop)
    }
}
