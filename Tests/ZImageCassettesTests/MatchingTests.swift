import Foundation
import HTTPTypes
import Testing

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageContract
@testable import ZImageContractSuite
@testable import ZImageHTTP

/// Matching a user can shape: one list of matchers for the index and the miss report alike.
@Suite("Request matching: strict by default, loosened by JSON path, query parameter or a matcher of one's own")
struct MatchingTests {
    static let url = "https://dashscope.aliyuncs.com/api/v1/services/aigc/multimodal-generation/generation"
    static let imageURL =
        "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/a.png?Expires=<redacted>&Signature=<redacted>"

    static func post(seed: Int, query: String = "", tenant: String? = nil) -> RecordedRequest {
        var headers = ["content-type": "application/json"]
        if let tenant { headers["x-tenant"] = tenant }
        let body =
            #"{"input":{"messages":[{"content":[{"text":"a lake"}],"role":"user"}]},"model":"z-image-turbo","parameters":{"seed":\#(seed),"size":"1024*1024"}}"#
        return RecordedRequest(method: "POST", url: url + query, headers: headers, body: Data(body.utf8))
    }

    static func cassette(_ requests: [RecordedRequest]) -> Cassette {
        var cassette = Cassette(region: "beijing", source: .simulator)
        for (position, request) in requests.enumerated() {
            cassette.interactions.append(
                Interaction(
                    request: request,
                    response: RecordedResponse(
                        status: 200, headers: ["content-type": "application/json"],
                        body: Data(#"{"n":\#(position)}"#.utf8))))
        }
        cassette.interactions.append(
            Interaction(
                request: RecordedRequest(method: "GET", url: imageURL),
                response: RecordedResponse(status: 200)))
        return cassette
    }

    static func send(_ transport: ReplayingTransport, _ request: RecordedRequest) async throws -> Data {
        var head = HTTPRequest(
            method: HTTPRequest.Method(request.method) ?? .get, url: try #require(URL(string: request.url)))
        for (name, value) in request.headers { head.headerFields[try #require(HTTPField.Name(name))] = value }
        return try await transport.send(head, body: request.body).1
    }

    @Test("strict by default: another seed misses, and the miss names parameters.seed with both values")
    func strict() async throws {
        let transport = ReplayingTransport(cassette: Self.cassette([Self.post(seed: 1)]), rules: .dashScope)
        let error = try await #require(throws: TransportError.self) {
            try await Self.send(transport, Self.post(seed: 2))
        }
        let miss = try #require(CassetteMiss(from: error))
        #expect(miss.description.contains("differs in body: parameters.seed: recorded 1, sent 2"))
        // The image download is another method and host: not a plausible neighbour, one line only.
        #expect(miss.nearest.count == 1)
        #expect(
            miss.description.contains(
                "also recorded, to another method or host: GET https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/a.png"
            ))
    }

    @Test("ignoring parameters.seed: a random seed replays; the other fields still count")
    func ignoringSeed() async throws {
        let matching = RequestMatching.default.ignoringJSONPaths("parameters.seed")
        let transport = ReplayingTransport(
            cassette: Self.cassette([Self.post(seed: 1)]), rules: .dashScope, matching: matching)
        #expect(try await Self.send(transport, Self.post(seed: 987_654)) == Data(#"{"n":0}"#.utf8))
        var other = Self.post(seed: 5)
        other.body = Data(
            String(decoding: other.body ?? Data(), as: UTF8.self).replacingOccurrences(of: "a lake", with: "a fox").utf8
        )
        let error = try await #require(throws: TransportError.self) { try await Self.send(transport, other) }
        let report = try #require(CassetteMiss(from: error)).description
        #expect(report.contains(#"input.messages[0].content[0].text: recorded "a lake", sent "a fox""#))
        #expect(!report.contains("parameters.seed"), "an ignored path is not reported as a difference")
    }

    @Test("[*] ignores a path under every element; a query parameter can be ignored by name, in any case")
    func wildcardAndQuery() async throws {
        let matching = RequestMatching.default.ignoringJSONPaths("input.messages[*].content[0].text")
            .ignoringQueryParameters("TS")
        let transport = ReplayingTransport(
            cassette: Self.cassette([Self.post(seed: 1, query: "?ts=1")]), rules: .dashScope,
            matching: matching)
        var request = Self.post(seed: 1, query: "?ts=999")
        request.body = Data(
            String(decoding: request.body ?? Data(), as: UTF8.self).replacingOccurrences(of: "a lake", with: "x").utf8)
        #expect(try await Self.send(transport, request) == Data(#"{"n":0}"#.utf8))
    }

    @Test("a matcher of one's own takes part in the index and is named in a miss")
    func custom() async throws {
        let matching = RequestMatching.default.adding("tenant") { $0.headers["x-tenant"] ?? "" }
        let transport = ReplayingTransport(
            cassette: Self.cassette([Self.post(seed: 1, tenant: "a"), Self.post(seed: 1, tenant: "b")]),
            rules: .dashScope, matching: matching)
        #expect(try await Self.send(transport, Self.post(seed: 1, tenant: "b")) == Data(#"{"n":1}"#.utf8))
        #expect(try await Self.send(transport, Self.post(seed: 1, tenant: "a")) == Data(#"{"n":0}"#.utf8))
        let error = try await #require(throws: TransportError.self) {
            try await Self.send(transport, Self.post(seed: 1, tenant: "c"))
        }
        #expect(try #require(CassetteMiss(from: error)).description.contains("differs in tenant: recorded a, sent c"))
    }
}
