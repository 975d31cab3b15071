import Foundation

@testable import ZImage
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

/// A key only the simulator knows.
let simulatorKey = TestKeys.curl

/// An in-process simulator on 127.0.0.1 and a client pointed at it through a real CurlTransport.
struct SimulatorFixture: Stoppable {
    let server: SimulatorServer
    let transport: CurlTransport

    /// Starts a simulator of `region`; the transport gets `configuration` and an environment with no proxy unless given.
    static func start(
        region: Region = .beijing,
        configuration: CurlTransport.Configuration = .init(connectTimeout: .seconds(5), totalTimeout: .seconds(20)),
        environment: [String: String] = [:]
    ) async throws -> SimulatorFixture {
        let server = try await SimulatorServer.start(
            backend: DashScopeSimulation(region: region, acceptedKeys: [simulatorKey.value]))
        return SimulatorFixture(
            server: server, transport: try CurlTransport(configuration: configuration, environment: environment))
    }

    /// A client for the simulator; retries off unless a policy is given.
    func client(
        retryPolicy: RetryPolicy = .never, timekeeper: Timekeeper = .system, key: APIKey = simulatorKey
    ) -> ZImageClient {
        ZImageClient(transport: transport, apiKey: key, retryPolicy: retryPolicy, timekeeper: timekeeper)
    }

    /// A request to the simulator's generation endpoint.
    func request(
        _ prompt: String = "A calm lake at dawn", size: String? = nil, seed: Int? = nil, promptExtend: Bool = false
    ) throws -> ImageRequest {
        try ImageRequest(
            prompt: prompt, size: size, seed: seed, promptExtend: promptExtend,
            baseURL: server.generationURL.absoluteString)
    }

    func stop() async {
        await server.shutdown()
    }
}

/// A port on 127.0.0.1 that nothing listens on, below the kernel's ephemeral range (32768 and up here): every server
/// of the suite binds port 0 and so draws from that range, and none can take this port between this check and its use
/// (a just-freed ephemeral port could be).
func closedPort() -> Int {
    while true {
        let port = Int.random(in: 20_000..<30_000)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let bound = withLoopbackAddress(port: port) { bind(descriptor, $0, $1) }
        close(descriptor)
        if bound == 0 { return port }
    }
}
