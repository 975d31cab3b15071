import Foundation
import HTTPTypes
import Testing
import ZImage
import ZImageCurl

/// `openssl s_server` on 127.0.0.1 with a self-signed certificate made for the test, answering GETs with a status page.
///
/// Spawned and reaped with posix_spawn and waitpid: Foundation's `Process.waitUntilExit()` never returned here for a
/// terminated child, which stayed a zombie.
final class OpenSSLServer: @unchecked Sendable {
    let folder: URL
    let port: Int
    private let pid: pid_t

    var certificate: String { folder.appendingPathComponent("cert.pem").path }

    init(port: Int) throws {
        folder = try makeTemporaryDirectory()
        let key = folder.appendingPathComponent("key.pem").path
        let certificate = folder.appendingPathComponent("cert.pem").path
        let request = try Self.spawn(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                                      "-keyout", key, "-out", certificate])
        guard Self.wait(request) == 0 else { throw TLSTestError("openssl req could not make a certificate") }
        self.port = port
        pid = try Self.spawn(["openssl", "s_server", "-accept", "127.0.0.1:\(port)", "-www", "-cert", certificate, "-key", key])
        // Wait for the port itself, at most 20 s (key generation is slow on a loaded machine); s_server must still be
        // running then, or something else answered on the port.
        let deadline = ContinuousClock.now + .seconds(20)
        while !Self.accepts(port: port) {
            guard ContinuousClock.now < deadline else {
                stop()
                throw TLSTestError("openssl s_server did not listen on 127.0.0.1:\(port) within 20 s")
            }
            usleep(20_000)
        }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == 0 else {
            try? FileManager.default.removeItem(at: folder)
            throw TLSTestError("openssl s_server exited at once: port \(port) was taken")
        }
    }

    /// Starts a server on a Dispatch thread: key generation and the wait for the port block, and must not hold one of
    /// the cooperative pool's threads (other tests' servers run there).
    static func start(port: Int) async throws -> OpenSSLServer {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try OpenSSLServer(port: port) })
            }
        }
    }

    func stop() {
        kill(pid, SIGKILL)
        _ = Self.wait(pid)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts `arguments` (found on PATH) with its output discarded.
    private static func spawn(_ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard status == 0 else { throw TLSTestError("cannot start \(arguments[0]): \(String(cString: strerror(status)))") }
        return pid
    }

    /// Reaps `pid`; its exit status, or -1.
    private static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }

    /// Whether a TCP connection to 127.0.0.1:`port` is accepted.
    private static func accepts(port: Int) -> Bool {
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
}

struct TLSTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite("TLS: verification always on, an extra CA file accepted", .timeLimit(.minutes(1)))
struct TLSTests {
    func get(_ server: OpenSSLServer, caFile: String?) async throws -> (HTTPResponse, Data) {
        let transport = try CurlTransport(configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(10), caFile: caFile),
                                          environment: [:])
        let url = try #require(URL(string: "https://127.0.0.1:\(server.port)/"))
        return try await transport.send(HTTPRequest(method: .get, url: url), body: nil)
    }

    @Test("a self-signed certificate is refused by default, as a TLS error")
    func refusedByDefault() async throws {
        let server = try await OpenSSLServer.start(port: closedPort())
        defer { server.stop() }
        let error = try await #require(throws: TransportError.self) { try await get(server, caFile: nil) }
        #expect(error.kind == .tls)
        #expect(error.description.contains("TLS"))
    }

    @Test("the same certificate is accepted when given as the CA file")
    func acceptedWithCAFile() async throws {
        let server = try await OpenSSLServer.start(port: closedPort())
        defer { server.stop() }
        let (response, body) = try await get(server, caFile: server.certificate)
        #expect(response.status == .ok)
        #expect(String(decoding: body, as: UTF8.self).contains("s_server"))
    }
}
