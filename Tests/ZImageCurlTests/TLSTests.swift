import Foundation
import HTTPTypes
import Testing

@testable import ZImage
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageTestSupport

/// Runs `body` against `openssl s_server` on 127.0.0.1 (answering GETs with a status page), with a self-signed
/// certificate made for the test (for `name`, else for 127.0.0.1 and localhost); `body` gets the port and the
/// certificate's path. The server is killed and awaited afterwards, and its folder removed.
func withOpenSSLServer(
    for name: String? = nil, _ body: (_ port: Int, _ certificate: String) async throws -> Void
) async throws {
    try await withTemporaryDirectory("tls") { folder in
        let key = folder.appendingPathComponent("key.pem").path
        let certificate = folder.appendingPathComponent("cert.pem").path
        let made = try await runChild(
            "openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=\(name ?? "127.0.0.1")",
                "-addext", name.map { "subjectAltName=DNS:\($0)" } ?? "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key, "-out", certificate,
            ])
        guard made.status == 0 else { throw TLSTestError("openssl req could not make a certificate: \(made.stderr)") }
        let port = closedPort()
        _ = try await withChild(
            "openssl", ["s_server", "-accept", "127.0.0.1:\(port)", "-www", "-cert", certificate, "-key", key]
        ) { child in
            // Wait for the port itself, at most 20 s (a loaded machine is slow to start it).
            let deadline = ContinuousClock.now + .seconds(20)
            while !accepts(port: port) {
                guard ContinuousClock.now < deadline else {
                    try child.send(SIGKILL)
                    throw TLSTestError("openssl s_server did not listen on 127.0.0.1:\(port) within 20 s")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            do {
                try await body(port, certificate)
            } catch {
                try child.send(SIGKILL)
                throw error
            }
            try child.send(SIGKILL)
        }
    }
}

/// Whether a TCP connection to 127.0.0.1:`port` is accepted.
private func accepts(port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

struct TLSTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite("TLS: verification always on, an extra CA file accepted", .timeLimit(.minutes(1)))
struct TLSTests {
    func get(port: Int, caFile: String?) async throws -> (HTTPResponse, Data) {
        let transport = try CurlTransport(
            configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(10), caFile: caFile),
            environment: [:])
        let url = try #require(URL(string: "https://127.0.0.1:\(port)/"))
        return try await transport.send(HTTPRequest(method: .get, url: url), body: nil)
    }

    @Test("a self-signed certificate is refused by default, as a TLS error")
    func refusedByDefault() async throws {
        try await withOpenSSLServer { port, _ in
            let error = try await #require(throws: TransportError.self) { try await get(port: port, caFile: nil) }
            #expect(error.kind == .tls)
            #expect(error.description.contains("TLS"))
        }
    }

    @Test("the same certificate is accepted when given as the CA file")
    func acceptedWithCAFile() async throws {
        try await withOpenSSLServer { port, certificate in
            let (response, body) = try await get(port: port, caFile: certificate)
            #expect(response.status == .ok)
            #expect(String(decoding: body, as: UTF8.self).contains("s_server"))
        }
    }
}
