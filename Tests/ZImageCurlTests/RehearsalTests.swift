import Foundation
import HTTPTypes
import Testing

@testable import ZImage
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageRehearsal
@testable import ZImageSimulator
@testable import ZImageTestSupport

/// The live transport against the rehearsal server: DashScope's real URLs, routed to loopback, verified with the
/// rehearsal's CA, everything else sent to a proxy that cannot be reached (so nothing leaves the machine).
@Suite(
    "Rehearsal: the live transport on the real hostnames, over TLS and HTTP/2, answered on loopback",
    .timeLimit(.minutes(1)))
struct RehearsalTests {
    static let key = APIKey("sk-test-rehearsal-81d0c3")

    func withRehearsal<Result>(
        fault: TLSFault? = nil, _ body: (DashScopeRehearsal, _ caFile: String) async throws -> Result
    )
        async throws -> Result
    {
        try await ZImageTestSupport.withRehearsal(accepting: [Self.key.value], fault: fault, body)
    }

    func transport(_ rehearsal: DashScopeRehearsal, caFile: String?) throws -> CurlTransport {
        var configuration = CurlTransport.Configuration(
            connectTimeout: .seconds(5), totalTimeout: .seconds(20), caFile: caFile)
        configuration.connectTo = try rehearsal.routes.map(ConnectRoute.init(parsing:))
        return try CurlTransport(
            configuration: configuration, environment: ["https_proxy": "http://127.0.0.1:\(closedPort())"])
    }

    @Test(
        "each region: generation and image over HTTP/2, the image on the region's OSS host, Authorization only to the API host",
        arguments: Region.allCases)
    func generatesOverHTTP2(region: Region) async throws {
        try await withRehearsal { rehearsal, caFile in
            let transport = try transport(rehearsal, caFile: caFile)
            let client = ZImageClient(transport: transport, apiKey: Self.key, region: region)
            let result = try await client.generate(ImageRequest(prompt: "A lighthouse at dusk", seed: 7))
            let imageURL = try #require(URL(string: result.imageURL))
            #expect(imageURL.scheme == "https" && imageURL.host == region.exampleResultHost)

            let png = try await ImageDownloader(transport: transport).fetch(result)
            #expect(try PNGImage(verifying: png).width == 1024)

            // The protocol libcurl negotiated, from its transfer metrics, for the API host and for the image host.
            let probe = try await transport.exchange(Probe.request(url: region.probeURL, key: Self.key), body: nil)
            let image = try await transport.exchange(HTTPRequest(method: .get, url: imageURL), body: nil)
            #expect(probe.response.status == .ok && image.response.status == .ok)
            #expect(probe.metrics.httpVersion == "2" && image.metrics.httpVersion == "2")

            let log = rehearsal.server.requests
            let toImages = log.filter { $0.hostName == region.exampleResultHost }
            let toAPI = log.filter { $0.hostName == region.host }
            #expect(toImages.count == 2 && toAPI.count == 2 && toImages.count + toAPI.count == log.count)
            #expect(toImages.allSatisfy { !$0.hadAuthorization }, "the key reached \(region.exampleResultHost)")
            #expect(toAPI.allSatisfy { $0.hadAuthorization })
        }
    }

    @Test(
        "ALPN, seen by another TLS stack (openssl s_client): h2 when offered, http/1.1 for a client offering only that; the chain and name verify",
        arguments: [("h2,http/1.1", "h2"), ("http/1.1", "http/1.1")])
    func negotiatesByALPN(offered: String, negotiated: String) async throws {
        try await withRehearsal { rehearsal, caFile in
            let result = try await runChild(
                "openssl",
                [
                    "s_client", "-connect", "127.0.0.1:\(rehearsal.server.port)", "-servername",
                    "dashscope-intl.aliyuncs.com",
                    "-verify_hostname", "dashscope-intl.aliyuncs.com", "-verify_return_error", "-CAfile", caFile,
                    "-alpn", offered,
                ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("ALPN protocol: \(negotiated)\n"))
            #expect(result.stdout.contains("Verify return code: 0 (ok)"))
        }
    }

    @Test("the simulator refuses an image URL sent with Authorization, so a client leaking its key fails loudly")
    func imageHostRefusesAuthorization() async throws {
        try await withRehearsal { rehearsal, caFile in
            let transport = try transport(rehearsal, caFile: caFile)
            let result = try await ZImageClient(transport: transport, apiKey: Self.key, region: .beijing)
                .generate(ImageRequest(prompt: "A lighthouse at dusk"))
            var leaking = HTTPRequest(method: .get, url: try #require(URL(string: result.imageURL)))
            leaking.headerFields[.authorization] = Self.key.bearer
            let (response, body) = try await transport.send(leaking, body: nil)
            #expect(response.status.code == 400)
            #expect(String(decoding: body, as: UTF8.self).contains("<Code>InvalidArgument</Code>"))
        }
    }

    @Test("a client that does not trust the rehearsal CA gets a TLS error naming the host, and nothing is sent")
    func untrustedWithoutTheCA() async throws {
        try await withRehearsal { rehearsal, _ in
            // A CA file of another authority: the system's store would do the same, but may not exist on every machine.
            let stranger = try makeTemporaryDirectory("stranger").appendingPathComponent("ca.pem")
            try CertificateAuthority().writeCertificate(to: stranger)
            let client = ZImageClient(
                transport: try transport(rehearsal, caFile: stranger.path), apiKey: Self.key, region: .beijing,
                retryPolicy: RetryPolicy(maxAttempts: 1))
            let error = try await #require(throws: ZImageError.self) {
                try await client.generate(ImageRequest(prompt: "A lighthouse at dusk"))
            }
            let transportError = try #require(error.underlying as? TransportError)
            #expect(transportError.kind == .tls)
            #expect(String(describing: error).contains("dashscope.aliyuncs.com"))
            #expect(rehearsal.server.requests.isEmpty)
        }
    }

    @Test(
        "each TLS fault is a TLS error naming the host, with nothing sent: a certificate from the trusted CA for another name (the name is verified), a reset during the handshake",
        arguments: [(TLSFault.wrongName, Region.singapore), (.resetDuringHandshake, .beijing)])
    func tlsFaults(fault: TLSFault, region: Region) async throws {
        try await withRehearsal(fault: fault) { rehearsal, caFile in
            let error = try await #require(throws: TransportError.self) {
                try await transport(rehearsal, caFile: caFile).send(
                    Probe.request(url: region.probeURL, key: Self.key), body: nil)
            }
            // A reset before the handshake ends is an SSL connect error to libcurl (CURLE_SSL_CONNECT_ERROR), a wrong
            // name a failed peer verification: both are TLS errors.
            #expect(error.kind == .tls, "\(error)")
            #expect(error.description.contains(region.host))
            #expect(rehearsal.server.acceptedConnections >= 1 && rehearsal.server.requests.isEmpty)
        }
    }

    @Test("the simulator's request faults play over HTTP/2 too: a 429 with Retry-After, then the answer")
    func requestFaultOverHTTP2() async throws {
        try await withRehearsal { rehearsal, caFile in
            rehearsal.server.inject(
                .status(429, code: "Throttling", message: "Requests throttled.", retryAfter: "0"),
                path: DashScopeAPI.generationPath)
            let client = ZImageClient(
                transport: try transport(rehearsal, caFile: caFile), apiKey: Self.key, region: .singapore)
            let result = try await client.generate(ImageRequest(prompt: "A lighthouse at dusk"))
            #expect(result.imageURL.hasPrefix("https://\(Region.singapore.exampleResultHost)/"))
            #expect(rehearsal.server.requests.map(\.status) == [429, 200])
        }
    }
}
