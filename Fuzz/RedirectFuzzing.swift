import Foundation
import HTTPTypes
import ZImage
import ZImageCurl

#if canImport(Glibc)
    import Glibc
#endif

/// The `redirect` target: an input becomes the raw HTTP answer a server on loopback gives every connection (a status
/// picked from the redirect statuses and a few others, a `Location` and further header lines taken from the input, a
/// body repeated up to 256 times), and `CurlTransport` fetches through it as the download does, following redirects.
///
/// Whatever the answer, the fetch ends in a response no larger than the cap or a `TransportError` whose text holds no
/// control character. Every connection stays on loopback: the transport is given `all_proxy` pointing at the same
/// server, so a redirect to any other host is asked of it too (libcurl resolves no name behind an HTTP proxy), and loopback
/// itself is never proxied.
enum RedirectFuzzing {
    static let statuses = [301, 302, 303, 307, 308, 300, 305, 200, 204, 304, 404, 500]
    /// Small, so that a repeated body crosses it within an input's time.
    static let cap = 4096

    static let server = LoopbackResponder()
    static let transport: CurlTransport = {
        let configuration = CurlTransport.Configuration(
            connectTimeout: .seconds(2), totalTimeout: .seconds(4), maxResponseBytes: cap, maxRedirects: 3)
        // Not `try!` on purpose: without libcurl there is nothing to fuzz, and the message says so.
        guard
            let transport = try? CurlTransport(
                configuration: configuration, environment: ["all_proxy": "http://127.0.0.1:\(server.port)"])
        else { fatalError("zimage-fuzz: libcurl could not be initialised") }
        return transport
    }()

    /// The raw answer `data` stands for.
    static func answer(for data: Data) -> Data {
        let bytes = [UInt8](data)
        let status = statuses[Int(bytes.first ?? 0) % statuses.count]
        let repeats = 1 + Int(bytes.count > 1 ? bytes[1] : 0)
        let parts = bytes.dropFirst(2).split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        let location = parts.first.map { $0.filter { $0 != 13 && $0 != 10 } } ?? []
        let headers = parts.count > 1 ? Array(parts[1]) : []
        let body = parts.count > 2 ? Array(parts[2]) : []
        var answer = Array("HTTP/1.1 \(status) Fuzz\r\nConnection: close\r\nLocation: ".utf8) + location + [13, 10]
        if !headers.isEmpty { answer += headers + [13, 10] }
        answer += [13, 10]
        for _ in 0..<repeats where !body.isEmpty { answer += body }
        return Data(answer)
    }

    static func run(_ data: Data) {
        server.answer = answer(for: data)
        var request = HTTPRequest(
            method: .get, scheme: "http", authority: "127.0.0.1:\(server.port)", path: "/image.png")
        request.headerFields[.accept] = "image/png"
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let (response, body) = try await transport.send(request, body: nil)
                outcome.set(.success((response.status.code, body.count)))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        switch outcome.value {
        case .success(let (status, count)):
            precondition(count <= cap, "a \(status) answer of \(count) bytes passed the \(cap)-byte cap")
        case .failure(let error):
            precondition(error is TransportError, "the transport threw \(type(of: error)), not a TransportError")
            let text = String(describing: error)
            precondition(
                !text.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" },
                "a transport error carries a control character: \(text.debugDescription)")
        case nil:
            preconditionFailure("the fetch ended without an outcome")
        }
    }

    /// The fetch's result, handed from its task to the fuzzer's thread.
    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Result<(Int, Int), any Error>?
        var value: Result<(Int, Int), any Error>? { lock.withLock { stored } }
        func set(_ result: Result<(Int, Int), any Error>) { lock.withLock { stored = result } }
    }
}

/// A TCP server on 127.0.0.1 that reads each request's head and writes `answer`, whole, then closes: one thread, one
/// connection at a time, as libcurl makes them.
final class LoopbackResponder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()
    private let listener: Int32
    let port: Int

    /// What every connection is answered with.
    var answer: Data {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    init() {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else { fatalError("zimage-fuzz: no loopback port to listen on") }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            readHead(connection)
            let bytes = [UInt8](answer)
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes {
                    send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if count <= 0 { break }
                sent += count
            }
            shutdown(connection, Int32(SHUT_WR))
            close(connection)
        }
    }

    /// Reads until the blank line that ends a request head (a GET has no body), 64 KiB at most.
    private func readHead(_ connection: Int32) {
        var head = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while head.count < 65_536 {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { return }
            head += buffer[0..<count]
            if (0..<max(0, head.count - 3)).contains(where: { head[$0..<$0 + 4].elementsEqual([13, 10, 13, 10]) }) {
                return
            }
        }
    }
}
