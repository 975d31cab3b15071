package import Foundation
import HTTPTypes
import ZImageHTTP

/// Turns a cassette into HAR 1.2, the format browser devtools import ("Import HAR file" in the Network panel).
package enum HARExporter {
    /// The HAR document of `cassette`, as JSON, with `comment` as the log's comment.
    package static func export(
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
                    "statusText": .string(reasonPhrase(response.status)),
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

    /// RFC 9110's reason phrase for `status` (HAR readers show it, and HTTP/2 carries none to record); empty for a
    /// status it does not name.
    static func reasonPhrase(_ status: Int) -> String {
        reasonPhrases[status] ?? ""
    }

    private static let reasonPhrases: [Int: String] = [
        100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted",
        203: "Non-Authoritative Information", 204: "No Content", 205: "Reset Content", 206: "Partial Content",
        300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
        305: "Use Proxy", 307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
        402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
        407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
        411: "Length Required", 412: "Precondition Failed", 413: "Content Too Large", 414: "URI Too Long",
        415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed",
        421: "Misdirected Request", 422: "Unprocessable Content", 426: "Upgrade Required",
        428: "Precondition Required", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
        504: "Gateway Timeout", 505: "HTTP Version Not Supported",
    ]
}
