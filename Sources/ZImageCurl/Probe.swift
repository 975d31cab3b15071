import Foundation
import HTTPTypes
import ZImage

/// The read-only connectivity and key check of CONTRACT.md: `GET {host}/compatible-mode/v1/models`, with the key when
/// there is one. Without a key it still checks DNS, TCP and TLS, and says that the key was not checked.
public struct Probe: Sendable {
    /// What a probe found.
    public enum Outcome: String, Sendable, Codable, CaseIterable {
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
        public var isSuccess: Bool { self == .ok || self == .reachable || self == .skipped }
    }

    /// One region's probe, as `zimage probe --json` prints it and `validate` keeps it.
    public struct Report: Sendable, Codable, Hashable {
        /// The region probed.
        public var region: String
        /// The URL requested.
        public var url: String
        /// The outcome.
        public var outcome: Outcome
        /// A sentence on the outcome.
        public var message: String
        /// The HTTP status, when one arrived.
        public var httpStatus: Int?
        /// Whether a key was sent.
        public var keyChecked: Bool
        /// Milliseconds from the start: name resolved, TCP connected, TLS done, first byte, end.
        public var timings: Timings?

        /// Creates a report.
        public init(region: String, url: String, outcome: Outcome, message: String, httpStatus: Int?, keyChecked: Bool, timings: Timings?) {
            self.region = region
            self.url = url
            self.outcome = outcome
            self.message = message
            self.httpStatus = httpStatus
            self.keyChecked = keyChecked
            self.timings = timings
        }

        /// libcurl's timings in milliseconds from the start of the request.
        public struct Timings: Sendable, Codable, Hashable {
            /// The name was resolved.
            public var dnsMilliseconds: Double
            /// The TCP connection was open.
            public var connectMilliseconds: Double
            /// The TLS handshake was done (0 without TLS).
            public var tlsMilliseconds: Double
            /// The first byte of the answer arrived.
            public var firstByteMilliseconds: Double
            /// The exchange ended.
            public var totalMilliseconds: Double

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

    /// What sends the probe.
    public var transport: CurlTransport

    /// Creates a probe on `transport`.
    public init(transport: CurlTransport) {
        self.transport = transport
    }

    /// The models URL to probe for a user-given URL: a host (`http://127.0.0.1:8080`) gets the models path; a generation
    /// endpoint has its path replaced by it; any other path is probed as given.
    public static func modelsURL(for base: URL) -> URL {
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false) ?? URLComponents()
        if components.path.isEmpty || components.path == "/"
            || components.path.hasSuffix("/services/aigc/multimodal-generation/generation") {
            components.path = "/compatible-mode/v1/models"
        }
        components.query = nil
        return components.url ?? base
    }

    /// Probes `region` (at `url`, the region's models URL by default), with `key` when given. Never throws: every failure
    /// is an outcome.
    public func run(region: Region, url: URL? = nil, key: APIKey?) async -> Report {
        let target = url ?? region.probeURL
        var request = HTTPRequest(method: .get, url: target)
        request.headerFields[.accept] = "application/json"
        if let key { request.headerFields[.authorization] = key.bearer }
        func report(_ outcome: Outcome, _ message: String, status: Int? = nil, metrics: TransferMetrics? = nil) -> Report {
            Report(region: region.rawValue, url: target.absoluteString, outcome: outcome, message: message,
                   httpStatus: status, keyChecked: key != nil, timings: metrics.map(Self.timings))
        }
        let exchange: CurlTransport.Exchange
        do {
            exchange = try await transport.exchange(request, body: nil)
        } catch let error as TransportError {
            let outcome: Outcome = error.kind == .tls ? .tlsError : error.isConnectionFailure || error.kind == .timeout ? .unreachable : .serverError
            return report(outcome, error.description)
        } catch {
            return report(.serverError, "\(error)")
        }
        let status = exchange.response.status.code
        let body = WireFormat.decodeError(exchange.body)
        let said = [body.code, body.message].compactMap { $0 }.joined(separator: ": ")
        switch status {
        case 200..<300:
            return key == nil
                ? report(.reachable, "reachable (DNS, TCP and TLS answered); no key, so the key was not checked", status: status, metrics: exchange.metrics)
                : report(.ok, "the key is accepted", status: status, metrics: exchange.metrics)
        case 401:
            guard key != nil else {
                return report(.reachable, "reachable (DNS, TCP and TLS answered); no key, so the key was not checked",
                              status: status, metrics: exchange.metrics)
            }
            let other = region == .beijing ? Region.singapore : .beijing
            return report(.unauthorized, "the key was refused (HTTP 401\(said.isEmpty ? "" : " \(said)")); API keys are issued per "
                          + "region: a \(other.displayName) key needs --region \(other.rawValue)", status: status, metrics: exchange.metrics)
        case 403:
            return report(.forbidden, "the key may not list models here (HTTP 403\(said.isEmpty ? "" : " \(said)"))",
                          status: status, metrics: exchange.metrics)
        default:
            return report(.serverError, "unexpected HTTP \(status)\(said.isEmpty ? "" : " \(said)")", status: status, metrics: exchange.metrics)
        }
    }

    private static func timings(_ metrics: TransferMetrics) -> Report.Timings {
        func ms(_ duration: Duration) -> Double { (Double(duration / .microseconds(1)) / 1000 * 10).rounded() / 10 }
        return Report.Timings(
            dnsMilliseconds: ms(metrics.nameLookup), connectMilliseconds: ms(metrics.connect), tlsMilliseconds: ms(metrics.tlsHandshake),
            firstByteMilliseconds: ms(metrics.firstByte), totalMilliseconds: ms(metrics.total))
    }
}
