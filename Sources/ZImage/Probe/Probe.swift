package import Foundation
package import HTTPTypes

/// The read-only connectivity and key check of docs/CONTRACT.md: `GET {host}/compatible-mode/v1/models`, with the key when
/// there is one. Without a key it still checks DNS, TCP and TLS, and says that the key was not checked.
///
/// It sends through any `Transport`; the live one (`CurlTransport`, module ZImageCurl) also reports DNS, connect, TLS
/// and first-byte times.
package struct Probe: Sendable {
    /// What a probe found.
    package enum Outcome: String, Sendable, Codable, CaseIterable {
        /// The host answered 200 to the key.
        case ok
        /// The host is reachable; there was no key to check.
        case reachable
        /// 401: a bad key, or a key from the other region.
        case unauthorized
        /// 403: the key is valid but may not do this.
        case forbidden
        /// DNS, TCP or a timeout: the host could not be reached.
        case unreachable
        /// The TLS handshake or the certificate check failed.
        case tlsError = "tls_error"
        /// A 5xx answer, or anything else unexpected.
        case serverError = "server_error"
        /// Not probed (offline mode).
        case skipped

        /// Whether this outcome counts as a pass.
        package var isSuccess: Bool { self == .ok || self == .reachable || self == .skipped }
    }

    /// One region's probe, as `zimage probe --json` prints it and `validate` keeps it.
    package struct Report: Sendable, Codable, Hashable {
        /// The region probed.
        package var region: String
        /// The URL requested.
        package var url: String
        /// What the probe found: reachable, authorized, refused, or why not.
        package var outcome: Outcome
        /// A sentence on the outcome.
        package var message: String
        /// The HTTP status, when one arrived.
        package var httpStatus: Int?
        /// Whether a key was sent.
        package var keyChecked: Bool
        /// Milliseconds from the start: name resolved, TCP connected, TLS done, first byte, end.
        package var timings: Timings?

        /// Creates a report.
        package init(
            region: String, url: String, outcome: Outcome, message: String, httpStatus: Int?, keyChecked: Bool,
            timings: Timings?
        ) {
            self.region = region
            self.url = url
            self.outcome = outcome
            self.message = message
            self.httpStatus = httpStatus
            self.keyChecked = keyChecked
            self.timings = timings
        }

        /// libcurl's timings in milliseconds from the start of the request.
        package struct Timings: Sendable, Codable, Hashable {
            /// The name was resolved.
            package var dnsMilliseconds: Double
            /// The TCP connection was open.
            package var connectMilliseconds: Double
            /// The TLS handshake was done (0 without TLS).
            package var tlsMilliseconds: Double
            /// The first byte of the answer arrived.
            package var firstByteMilliseconds: Double
            /// The exchange ended.
            var totalMilliseconds: Double

            /// Creates timings, in milliseconds.
            package init(dns: Double, connect: Double, tls: Double, firstByte: Double, total: Double) {
                dnsMilliseconds = dns
                connectMilliseconds = connect
                tlsMilliseconds = tls
                firstByteMilliseconds = firstByte
                totalMilliseconds = total
            }

            enum CodingKeys: String, CodingKey {
                case dnsMilliseconds = "dns_ms"
                case connectMilliseconds = "connect_ms"
                case tlsMilliseconds = "tls_ms"
                case firstByteMilliseconds = "first_byte_ms"
                case totalMilliseconds = "total_ms"
            }
        }

        enum CodingKeys: String, CodingKey {
            case region, url, outcome, message, timings
            case httpStatus = "http_status"
            case keyChecked = "key_checked"
        }
    }

    /// One exchange of the probe: the response, its body, and where the time went when the transport can tell.
    package typealias Exchange = (response: HTTPResponse, body: Data, timings: Report.Timings?)

    private let exchange: @Sendable (HTTPRequest) async throws -> Exchange

    /// Creates a probe that sends through `transport` (a live, recording or replaying one; without timings).
    package init(transport: any Transport) {
        exchange = { request in
            let (response, body) = try await transport.send(request, body: nil)
            return (response, body, nil)
        }
    }

    /// Creates a probe on a transport that measures its exchanges (the live one), whose reports carry its DNS, connect,
    /// TLS and first-byte times.
    package init(timing transport: some MeasuringTransport) {
        exchange = { request in
            let (response, body, metrics) = try await transport.measuredExchange(request)
            return (response, body, Report.Timings(metrics))
        }
    }

    /// The models URL to probe for a user-given URL: a host (`http://127.0.0.1:8080`) gets the models path; a generation
    /// endpoint has its path replaced by it; any other path is probed as given.
    package static func modelsURL(for base: URL) -> URL {
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false) ?? URLComponents()
        if components.path.isEmpty || components.path == "/" || components.path.hasSuffix(DashScopeAPI.generationPath) {
            components.path = DashScopeAPI.modelsPath
        }
        components.query = nil
        return components.url ?? base
    }

    /// The probe's request: a read-only GET of the models list, with the key when there is one. The one place it is built:
    /// live probes, recorded scenarios and their replays all send this.
    package static func request(url: URL, key: APIKey?) -> HTTPRequest {
        var request = HTTPRequest(method: .get, url: url)
        request.headerFields[.accept] = "application/json"
        if let key { request.headerFields[.authorization] = key.bearer }
        return request
    }

    /// Probes `region` (at `url`, the region's models URL by default), with `key` when given. Never throws: every failure
    /// is an outcome.
    package func run(region: Region, url: URL? = nil, key: APIKey?) async -> Report {
        let target = url ?? region.probeURL
        func report(_ outcome: Outcome, _ message: String, status: Int? = nil, timings: Report.Timings? = nil) -> Report
        {
            Report(
                region: region.rawValue, url: target.absoluteString, outcome: outcome, message: message,
                httpStatus: status, keyChecked: key != nil, timings: timings)
        }
        let answer: Exchange
        do {
            answer = try await exchange(Self.request(url: target, key: key))
        } catch let error as TransportError {
            let unreachable = error.isConnectionFailure || error.kind == .timeout
            return report(error.kind == .tls ? .tlsError : unreachable ? .unreachable : .serverError, error.description)
        } catch {
            return report(.serverError, "\(error)")
        }
        let status = answer.response.status.code
        let body = WireFormat.decodeError(answer.body)
        let said = [body.code, body.message].compactMap { $0 }.joined(separator: ": ")
        let quoted = said.isEmpty ? "" : " \(said)"
        let unchecked = "reachable (DNS, TCP and TLS answered); no key, so the key was not checked"
        switch status {
        case 200..<300:
            return key == nil
                ? report(.reachable, unchecked, status: status, timings: answer.timings)
                : report(.ok, "the key is accepted", status: status, timings: answer.timings)
        case 401:
            guard key != nil else { return report(.reachable, unchecked, status: status, timings: answer.timings) }
            return report(
                .unauthorized,
                "the key was refused (HTTP 401\(quoted)); API keys are issued per region: "
                    + region.otherRegionsAdvice, status: status, timings: answer.timings)
        case 403:
            return report(
                .forbidden, "the key may not list models here (HTTP 403\(quoted))", status: status,
                timings: answer.timings)
        default:
            return report(.serverError, "unexpected HTTP \(status)\(quoted)", status: status, timings: answer.timings)
        }
    }
}

extension Probe.Report.Timings {
    /// A transport's timings in milliseconds, to a tenth.
    init(_ metrics: TransferMetrics) {
        func ms(_ duration: Duration) -> Double { (Double(duration / .microseconds(1)) / 100).rounded() / 10 }
        self.init(
            dns: ms(metrics.nameLookup), connect: ms(metrics.connect), tls: ms(metrics.tlsHandshake),
            firstByte: ms(metrics.firstByte), total: ms(metrics.total))
    }
}
