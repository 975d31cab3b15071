public import Foundation
import HTTPTypes

/// A misbehaviour the server plays instead of, or on top of, its backend's answer: one request at a time, in the order
/// scripted, for any path or for one path.
public enum SimulatorFault: Sendable, Hashable, CustomStringConvertible {
    /// An error answer in DashScope's shape (`request_id`, `code`, `message`), with `Retry-After` when given.
    case status(Int, code: String, message: String = "simulated failure", retryAfter: String? = nil)
    /// The backend's answer, after waiting this long before sending the headers.
    case delayBeforeHeaders(Duration)
    /// The backend's answer, its body sent `chunkSize` bytes at a time with `interval` between chunks.
    case slowBody(chunkSize: Int, interval: Duration)
    /// The backend's answer with its full Content-Length, but only half of the body, then the connection is closed.
    case truncatedBody
    /// The connection is reset (TCP RST) without any answer.
    case connectionReset
    /// A 200 answer whose JSON body is cut off.
    case invalidJSON
    /// A redirect to `location`.
    case redirect(to: String, status: Int = 302)
    /// An answer whose chunked body never ends (64 KiB chunks until the client goes, or a minute has passed), with a
    /// `Location` when given: a redirect that a client following it would read forever without a cap.
    case endlessBody(status: Int, location: String? = nil)
    /// Any answer at all; `chunked` sends it without a Content-Length, in chunked transfer encoding.
    case raw(status: Int, contentType: String, body: Data, chunked: Bool = false)

    /// The fault in a few words, as the simulator logs it.
    public var description: String {
        switch self {
        case .status(let status, let code, _, let retryAfter):
            "status \(status) \(code)" + (retryAfter.map { " retry-after \($0)" } ?? "")
        case .delayBeforeHeaders(let delay): "delay \(delay) before headers"
        case .slowBody(let size, let interval): "slow body (\(size) bytes every \(interval))"
        case .truncatedBody: "truncated body"
        case .connectionReset: "connection reset"
        case .invalidJSON: "invalid JSON"
        case .redirect(let location, let status): "redirect \(status) to \(location)"
        case .endlessBody(let status, let location):
            "endless body with status \(status)" + (location.map { " to \($0)" } ?? "")
        case .raw(let status, let type, let body, let chunked):
            "raw \(status) \(type) (\(body.count) bytes\(chunked ? ", chunked" : ""))"
        }
    }
}
