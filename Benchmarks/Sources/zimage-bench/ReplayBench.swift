import Foundation
import HTTPTypes
import HTTPTypesFoundation
import ZImage
import ZImageCassettes

/// Replay: time per replayed request through ReplayingTransport at 10, 1,000 and 10,000 interactions, and the time to
/// load a 1,000-interaction cassette; vcrpy replaying the same interactions through requests, in the same run.
enum ReplayBench {
    static let sizes = [10, 1000, 10_000]
    static let endpoint = Region.beijing.generationURL.absoluteString

    static func body(_ index: Int) -> String {
        #"{"input":{"messages":[{"content":[{"text":"a calm lake, variation \#(index)"}],"role":"user"}]},"model":"z-image-turbo","parameters":{"prompt_extend":false,"seed":\#(index),"size":"1024*1024"}}"#
    }

    static func answer(_ index: Int) -> String {
        #"{"output":{"choices":[{"finish_reason":"stop","message":{"content":[{"image":"https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/\#(index).png"},{"text":"a calm lake"}],"reasoning_content":"","role":"assistant"}}]},"request_id":"r-\#(index)","usage":{"height":1024,"width":1024}}"#
    }

    /// A cassette of `count` interactions, written as the format's JSON (docs/ARCHITECTURE.md, cassettes/README.md): the
    /// benchmark uses the package's public API only, and writes the file itself.
    static func write(_ count: Int, to file: URL) throws {
        func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }
        let interactions: [[String: Any]] = try (0..<count).map { index in
            [
                "request": [
                    "method": "POST", "url": endpoint, "headers": ["content-type": "application/json"],
                    "body": ["json": try json(body(index))],
                ],
                "response": [
                    "status": 200, "headers": ["content-type": "application/json"],
                    "body": ["json": try json(answer(index))],
                ],
            ]
        }
        let document: [String: Any] = [
            "format": 1, "region": "beijing", "source": "simulator",
            "recorded_at": "2026-11-24T00:00:00Z", "recorded_with": "zimage-bench",
            "interactions": interactions,
        ]
        try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted]).write(to: file)
    }

    /// The interactions the peers replay: the same cassettes, exported for vcrpy as JSON lines of (body, answer).
    static func export(_ count: Int, to url: URL) throws {
        let lines = (0..<count).map { index in
            String(
                decoding: (try? JSONSerialization.data(withJSONObject: ["body": body(index), "answer": answer(index)]))
                    ?? Data(), as: UTF8.self)
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
    }

    /// Microseconds per replayed request (median of rounds).
    static func perRequest(_ count: Int, in folder: URL, requests: Int = 2000, rounds: Int = 7) async throws -> Double {
        let file = folder.appendingPathComponent("replay-\(count).json")
        try write(count, to: file)
        let transport = try ReplayingTransport(contentsOf: file, options: CassetteOptions(allowRepeats: true))
        var head = HTTPRequest(method: .post, url: Region.beijing.generationURL)
        head.headerFields[.contentType] = "application/json"
        let bodies = (0..<requests).map { Data(body(($0 &* 7919) % count).utf8) }
        var samples: [Double] = []
        for _ in 0..<rounds {
            let started = now()
            for data in bodies { _ = try await transport.send(head, body: data) }
            samples.append((now() - started) / Double(requests) * 1e6)
        }
        return Stats.median(samples)
    }

    /// Milliseconds to load a cassette of `count` interactions from disk (median).
    static func load(_ count: Int, in folder: URL, rounds: Int = 15) throws -> Double {
        let file = folder.appendingPathComponent("load-\(count).json")
        try write(count, to: file)
        var samples: [Double] = []
        for _ in 0..<rounds {
            let started = now()
            let loaded = try CassetteFile.load(file)
            samples.append((now() - started) * 1000)
            precondition(loaded.interactions.count == count)
        }
        return Stats.median(samples)
    }
}
