public import Foundation
public import HTTPTypes

/// What answers the simulator's requests. The server owns the sockets and the faults; a backend only turns one complete
/// request into one complete response.
///
/// Two backends exist: ``DashScopeSimulation`` (the `simulate` behaviour: a DashScope look-alike) and, with the cassettes,
/// one that answers from a cassette folder (`replay`). Anything that speaks this protocol can be served:
/// ```swift
/// struct Teapot: SimulatorBackend {
///     func respond(to request: SimulatorRequest) async -> SimulatorResponse {
///         SimulatorResponse(status: 418, body: Data("short and stout".utf8))
///     }
/// }
/// let server = try await SimulatorServer.start(backend: Teapot())
/// ```
public protocol SimulatorBackend: Sendable {
    /// The response to one request.
    func respond(to request: SimulatorRequest) async -> SimulatorResponse
}

/// One complete request as the simulator received it.
public struct SimulatorRequest: Sendable {
    /// The method, such as `POST`.
    public var method: HTTPRequest.Method
    /// The path, without the query.
    public var path: String
    /// The query, without the `?`, or `nil`.
    public var query: String?
    /// The header fields.
    public var headerFields: HTTPFields
    /// The request body, whole (at most the server's body limit).
    public var body: Data
    /// The server's own base URL (`http://127.0.0.1:PORT`), for answers that point back at it (image URLs).
    public var serverBaseURL: URL

    /// Creates a request.
    public init(
        method: HTTPRequest.Method, path: String, query: String?, headerFields: HTTPFields, body: Data,
        serverBaseURL: URL
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headerFields = headerFields
        self.body = body
        self.serverBaseURL = serverBaseURL
    }

    /// The Host header (HTTP/2's `:authority`): the name the client sent the request to, with its port if it gave one.
    public var host: String? {
        headerFields.first { $0.name.canonicalName == "host" }?.value
    }

    /// The name the client sent the request to: ``host`` without its port, lowercased.
    package var hostName: String? {
        host.map(Self.hostName(ofHostHeader:))
    }

    /// A Host header's name without its port, lowercased; a bracketed IPv6 address keeps its brackets.
    package static func hostName(ofHostHeader header: String) -> String {
        let name =
            if header.hasPrefix("["), let end = header.firstIndex(of: "]") { header[...end] } else {
                header.prefix { $0 != ":" }
            }
        return name.lowercased()
    }

    /// The value of query parameter `name`, percent-decoded.
    func queryValue(_ name: String) -> String? {
        URLComponents(string: "?" + (query ?? ""))?.queryItems?.first { $0.name == name }?.value
    }
}

/// One complete response.
public struct SimulatorResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The header fields; Content-Length is set by the server.
    public var headerFields: HTTPFields
    /// The response body, sent whole after the head, with its Content-Length.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headerFields: HTTPFields = HTTPFields(), body: Data = Data()) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
    }

    /// A JSON response.
    public static func json(_ status: Int, _ body: Data, headers: HTTPFields = HTTPFields()) -> SimulatorResponse {
        var fields = headers
        fields[.contentType] = "application/json"
        return SimulatorResponse(status: status, headerFields: fields, body: body)
    }
}
