import Foundation
import HTTPTypes
import Synchronization
import Testing

@testable import ZImage
@testable import ZImageHTTP

/// One scripted answer of a ``ScriptedTransport``.
enum Answer: Sendable {
    case respond(status: Int, headers: [String: String] = [:], body: Data)
    case fail(TransportError)

    static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> Answer {
        .respond(
            status: status, headers: ["Content-Type": "application/json"].merging(headers) { $1 }, body: Data(body.utf8)
        )
    }

    static func error(
        _ status: Int, code: String, message: String = "message", requestID: String = "req-1",
        headers: [String: String] = [:]
    ) -> Answer {
        .json(status, #"{"request_id":"\#(requestID)","code":"\#(code)","message":"\#(message)"}"#, headers: headers)
    }
}

/// A closure-backed transport that answers from a script, in order, and keeps every request it was sent.
/// A request beyond the script is a test failure.
final class ScriptedTransport: Sendable {
    private let state: Mutex<(answers: [Answer], requests: [(HTTPRequest, Data?)])>
    /// Runs on every request before it is answered (to advance a virtual clock, say).
    private let onSend: @Sendable () -> Void

    init(_ answers: [Answer], onSend: @escaping @Sendable () -> Void = {}) {
        state = Mutex((answers, []))
        self.onSend = onSend
    }

    var requests: [(HTTPRequest, Data?)] { state.withLock { $0.requests } }
    var requestCount: Int { state.withLock { $0.requests.count } }

    var transport: ClosureTransport {
        ClosureTransport { request, body in
            self.onSend()
            let answer = self.state.withLock { state -> Answer? in
                state.requests.append((request, body))
                return state.answers.isEmpty ? nil : state.answers.removeFirst()
            }
            switch answer {
            case .respond(let status, let headers, let body):
                var fields = HTTPFields()
                for (name, value) in headers {
                    if let field = HTTPField.Name(name) { fields[field] = value }
                }
                return (HTTPResponse(status: .init(code: status), headerFields: fields), body)
            case .fail(let error):
                throw error
            case nil:
                Issue.record("the transport was sent a request beyond its script: \(request)")
                return (HTTPResponse(status: .internalServerError), Data())
            }
        }
    }
}
