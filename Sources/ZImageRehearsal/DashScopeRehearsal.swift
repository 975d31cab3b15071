import Foundation
package import ZImage
package import ZImageSimulator

/// The DashScope simulator for both regions behind one TLS port, under the real hostnames: each region's API host and
/// the OSS host its images are served from. A client reaches it without changing a URL, by connect-to routes
/// (``routes``) and trusting the throwaway authority (``authority``); everything else (SNI, certificate verification,
/// ALPN, HTTP/2, the hop from the API host to the image host) is what a real run does.
package final class DashScopeRehearsal: Sendable {
    /// The server; its log says, per request, the Host it was sent to and whether it carried Authorization.
    package let server: SimulatorServer
    /// The authority the server's certificate comes from.
    package let authority: CertificateAuthority

    /// The names served: per region, the API host, then the OSS host of its image URLs.
    package static func hostNames(of region: Region) -> [String] {
        [region.host, region.exampleResultHost]
    }

    /// Every name served, Beijing's first.
    package static var hostNames: [String] { Region.allCases.flatMap(hostNames(of:)) }

    /// `HOST:443:127.0.0.1:PORT` for every name served: what `--connect-to` and `ZIMAGE_CONNECT_TO` take.
    package var routes: [String] {
        Self.hostNames.map { "\($0):443:\(server.host):\(server.port)" }
    }

    /// Starts the rehearsal server on `host` (loopback) and `port` (0 picks a free one), with a new authority.
    ///
    /// - Parameters:
    ///   - acceptedKeys: the keys the simulated API accepts.
    ///   - drift: changes to every success answer's shape, to play an API that has drifted from its contract.
    ///   - fault: a TLS fault played on every connection.
    package static func start(
        host: String = "127.0.0.1", port: Int = 0, acceptedKeys: Set<String>,
        drift: DashScopeSimulation.Drift = .init(), fault: TLSFault? = nil
    ) async throws -> DashScopeRehearsal {
        let authority = try CertificateAuthority()
        let leaf = try authority.issue(dnsNames: fault == .wrongName ? [TLSFault.wrongHostName] : hostNames)
        var byHost: [String: DashScopeSimulation] = [:]
        for region in Region.allCases {
            guard let resultOrigin = URL(string: "https://\(region.exampleResultHost)") else { continue }
            let simulation = DashScopeSimulation(
                region: region, acceptedKeys: acceptedKeys, drift: drift, resultOrigin: resultOrigin)
            for name in hostNames(of: region) { byHost[name] = simulation }
        }
        let server = try await SimulatorServer.start(
            host: host, port: port, backend: HostRouter(byHost: byHost),
            connections: try TLSConnections(leaf: leaf, fault: fault))
        return DashScopeRehearsal(server: server, authority: authority)
    }

    private init(server: SimulatorServer, authority: CertificateAuthority) {
        self.server = server
        self.authority = authority
    }

    /// Stops the server.
    package func shutdown() async {
        await server.shutdown()
    }
}

/// Answers each request with the simulation of the host it was sent to (the Host header, HTTP/2's `:authority`), and
/// 421 Misdirected Request, naming the hosts served, for any other.
struct HostRouter: SimulatorBackend {
    let byHost: [String: DashScopeSimulation]

    func respond(to request: SimulatorRequest) async -> SimulatorResponse {
        let authority = request.host ?? ""
        guard let name = request.hostName, let simulation = byHost[name] else {
            let served = byHost.keys.sorted().joined(separator: ", ")
            let body = DashScopeSimulation.errorBody(
                code: "MisdirectedRequest",
                message:
                    "This rehearsal server serves \(served), not \(authority.isEmpty ? "a request without Host" : authority).",
                requestID: "00000000-0000-0000-0000-000000000421")
            return .json(421, body)
        }
        return await simulation.respond(to: request)
    }
}
