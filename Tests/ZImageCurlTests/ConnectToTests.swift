import Foundation
import HTTPTypes
import Testing

@testable import ZImage
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageTestSupport

@Suite("Connect-to routes: reading HOST:PORT:TARGET:PORT")
struct ConnectRouteParsingTests {
    @Test("a route with a name, an IPv4 or a bracketed IPv6 target is read as given")
    func reads() throws {
        let route = try ConnectRoute(parsing: "DashScope.aliyuncs.com:443:127.0.0.1:8443")
        #expect(
            route == ConnectRoute(host: "dashscope.aliyuncs.com", port: 443, targetHost: "127.0.0.1", targetPort: 8443))
        #expect(route.description == "dashscope.aliyuncs.com:443:127.0.0.1:8443")
        #expect(route.isLoopbackTarget)
        #expect(route.matches(host: "DASHSCOPE.aliyuncs.com", port: 443))
        #expect(!route.matches(host: "dashscope.aliyuncs.com", port: 80))

        let six = try ConnectRoute(parsing: "dashscope-intl.aliyuncs.com:443:[::1]:9443")
        #expect(six.targetHost == "[::1]" && six.targetPort == 9443 && six.isLoopbackTarget)
        #expect(try !ConnectRoute(parsing: "a.example:443:10.0.0.7:443").isLoopbackTarget)
        #expect(try !ConnectRoute(parsing: "a.example:443:127.example.com:443").isLoopbackTarget)
        #expect(try ConnectRoute(parsing: "a.example:443:127.0.0.2:443").isLoopbackTarget)
    }

    @Test(
        "a list splits on commas and white space",
        arguments: [
            "a.example:443:127.0.0.1:1,b.example:443:127.0.0.1:2",
            " a.example:443:127.0.0.1:1 \n b.example:443:127.0.0.1:2 ",
        ])
    func list(text: String) throws {
        let routes = try ConnectRoute.routes(parsingList: text)
        #expect(routes.map(\.host) == ["a.example", "b.example"])
        #expect(routes.map(\.targetPort) == [1, 2])
        #expect(try ConnectRoute.routes(parsingList: "").isEmpty)
    }

    @Test(
        "a wrong route is refused, saying which part is wrong and what is allowed",
        arguments: [
            (":443:127.0.0.1:8443", "HOST is empty"),
            ("dashscope.aliyuncs.com:443:127.0.0.1", "a colon is missing after TARGET"),
            ("dashscope.aliyuncs.com:443::8443", "TARGET is empty"),
            ("dashscope.aliyuncs.com:0:127.0.0.1:8443", "PORT \"0\" is not a port number from 1 to 65535"),
            ("dashscope.aliyuncs.com:443:127.0.0.1:65536", "TARGET PORT \"65536\" is not a port number"),
            ("dashscope.aliyuncs.com:+443:127.0.0.1:8443", "PORT \"+443\" is not a port number"),
            ("dashscope.aliyuncs.com:443:127.0.0.1:8443:1", "TARGET PORT \"8443:1\" is not a port number"),
            ("dash/scope:443:127.0.0.1:8443", "HOST \"dash/scope\" is not a host name"),
            ("dashscope.aliyuncs.com:443:[::1:8443", "TARGET opens [ without a closing ]"),
        ])
    func refuses(text: String, reason: String) {
        #expect {
            try ConnectRoute(parsing: text)
        } throws: { error in
            let description = String(describing: error)
            return description.contains(reason) && description.contains("allowed: HOST:PORT:TARGET:PORT")
        }
    }
}

@Suite("Connect-to routes over TLS: the real name, verified, answered on loopback", .timeLimit(.minutes(1)))
struct ConnectToTLSTests {
    func get(
        _ url: String, route: ConnectRoute, caFile: String?, environment: [String: String] = [:]
    ) async throws -> (HTTPResponse, Data) {
        var configuration = CurlTransport.Configuration(
            connectTimeout: .seconds(5), totalTimeout: .seconds(10), caFile: caFile)
        configuration.connectTo = [route]
        let transport = try CurlTransport(configuration: configuration, environment: environment)
        return try await transport.send(HTTPRequest(method: .get, url: try #require(URL(string: url))), body: nil)
    }

    @Test("https://dashscope.aliyuncs.com/ reaches the local server, its certificate verified for that name")
    func reachesLoopbackUnderTheRealName() async throws {
        try await withOpenSSLServer(for: "dashscope.aliyuncs.com") { port, certificate in
            let route = ConnectRoute(
                host: "dashscope.aliyuncs.com", port: 443, targetHost: "127.0.0.1", targetPort: port)
            // A proxy that cannot be reached: a route to loopback must not go through it.
            let (response, body) = try await get(
                "https://dashscope.aliyuncs.com/", route: route, caFile: certificate,
                environment: ["https_proxy": "http://127.0.0.1:\(closedPort())"])
            #expect(response.status == .ok)
            #expect(String(decoding: body, as: UTF8.self).contains("s_server"))
        }
    }

    @Test("without the CA file the same request is a TLS error naming the host and the route")
    func untrustedWithoutCA() async throws {
        try await withOpenSSLServer(for: "dashscope.aliyuncs.com") { port, _ in
            let route = ConnectRoute(
                host: "dashscope.aliyuncs.com", port: 443, targetHost: "127.0.0.1", targetPort: port)
            let error = try await #require(throws: TransportError.self) {
                try await get("https://dashscope.aliyuncs.com/", route: route, caFile: nil)
            }
            #expect(error.kind == .tls)
            #expect(error.description.contains("dashscope.aliyuncs.com"))
            #expect(error.description.contains("connected to 127.0.0.1:\(port) by a connect-to route"))
        }
    }

    @Test("a trusted certificate for another name is refused: verification of the name stays on")
    func wrongNameRefused() async throws {
        try await withOpenSSLServer(for: "dashscope-intl.aliyuncs.com") { port, certificate in
            let route = ConnectRoute(
                host: "dashscope.aliyuncs.com", port: 443, targetHost: "127.0.0.1", targetPort: port)
            let error = try await #require(throws: TransportError.self) {
                try await get("https://dashscope.aliyuncs.com/", route: route, caFile: certificate)
            }
            #expect(error.kind == .tls)
            #expect(error.description.contains("dashscope.aliyuncs.com"))
        }
    }

    @Test("a request for a host without a route goes where its URL says")
    func otherHostsUntouched() async throws {
        try await withOpenSSLServer { port, certificate in
            // The one route leads nowhere (a closed port): had it been taken, the request would fail.
            let route = ConnectRoute(
                host: "dashscope-intl.aliyuncs.com", port: 443, targetHost: "127.0.0.1", targetPort: closedPort())
            let (response, _) = try await get("https://127.0.0.1:\(port)/", route: route, caFile: certificate)
            #expect(response.status == .ok)
        }
    }
}
