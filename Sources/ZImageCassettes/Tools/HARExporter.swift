public import Foundation
import HTTPTypes
import ZImageHTTP

/// Turns a cassette into HAR 1.2, the format browser devtools import ("Import HAR file" in the Network panel).
public enum HARExporter {
    /// The HAR document of `cassette`, as JSON, with `comment` as the log's comment.
    public static func export(
        _ cassette: Cassette, comment: String, creator: (name: String, version: String)
    ) throws -> Data {
        let started = cassette.recordedAt
        let entries: [JSONValue] = cassette.interactions.map { interaction in
            let request = interaction.request
            let response = interaction.response
            let query = URLComponents(string: request.url)?.queryItems ?? []
            var requestObject: [String: JSONValue] = [
                "method": .string(request.method), "url": .string(request.url), "httpVersion": .string("HTTP/1.1"),
                "headers": headers(request.headers), "cookies": .array([]),
                "queryString": .array(
                    query.map { .object(["name": .string($0.name), "value": .string($0.value ?? "")]) }),
                "headersSize": .int(-1), "bodySize": .int(request.body?.count ?? 0),
            ]
            if let body = request.body {
                requestObject["postData"] = .object([
                    "mimeType": .string(
                        request.headers.first { $0.key.lowercased() == "content-type" }?.value
                            ?? "application/octet-stream"),
                    "text": .string(String(decoding: body, as: UTF8.self)),
                ])
            }
            let mimeType =
                response.headers.first { $0.key.lowercased() == "content-type" }?.value ?? "application/octet-stream"
            var content: [String: JSONValue] = ["size": .int(response.body.count), "mimeType": .string(mimeType)]
            if let text = String(data: response.body, encoding: .utf8), !mimeType.hasPrefix("image/") {
                content["text"] = .string(text)
            } else {
                content["text"] = .string(response.body.base64EncodedString())
                content["encoding"] = .string("base64")
            }
            return .object([
                "startedDateTime": .string(started), "time": .int(0),
                "request": .object(requestObject),
                "response": .object([
                    "status": .int(response.status),
                    "statusText": .string(HTTPResponse.Status(code: response.status).reasonPhrase),
                    "httpVersion": .string("HTTP/1.1"), "headers": headers(response.headers), "cookies": .array([]),
                    "content": .object(content),
                    "redirectURL": .string(response.headers.first { $0.key.lowercased() == "location" }?.value ?? ""),
                    "headersSize": .int(-1), "bodySize": .int(response.body.count),
                ]),
                "cache": .object([:]),
                "timings": .object(["send": .int(0), "wait": .int(0), "receive": .int(0)]),
            ])
        }
        let document = JSONValue.object([
            "log": .object([
                "version": .string("1.2"),
                "creator": .object(["name": .string(creator.name), "version": .string(creator.version)]),
                "comment": .string(comment),
                "entries": .array(entries),
            ])
        ])
        return document.prettyData + Data("\n".utf8)
    }

    private static func headers(_ fields: [String: String]) -> JSONValue {
        .array(
            fields.sorted { $0.key < $1.key }.map { .object(["name": .string($0.key), "value": .string($0.value)]) })
    }
}
