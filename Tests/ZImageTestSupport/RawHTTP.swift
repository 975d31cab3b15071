import Foundation
import ZImage
import ZImageHTTP

#if canImport(Glibc)
    package import Glibc
#elseif canImport(Darwin)
    package import Darwin
#endif

/// Sends `request` as raw bytes to 127.0.0.1:`port` and returns everything the server writes until it closes the
/// connection (or 10 s pass): for requests a well-behaved client would never send, such as a body announced and withheld.
package func rawHTTPExchange(port: Int, _ request: String) async -> String {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(descriptor) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let connected = withLoopbackAddress(port: port) { connect(descriptor, $0, $1) } == 0
            guard connected else { return continuation.resume(returning: "") }
            let bytes = Array(request.utf8)
            _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            var received = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { break }
                received += buffer[0..<count]
            }
            continuation.resume(returning: String(decoding: received, as: UTF8.self))
        }
    }
}

/// Calls `body` with the socket address of 127.0.0.1:`port` and its length, as `connect` and `bind` take them.
package func withLoopbackAddress<Result>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

/// A TCP client on 127.0.0.1 that sends raw bytes and sees when the server closes: for clients no HTTP library would be.
package final class RawClient: Sendable {
    private let descriptor: Int32

    /// Connects to 127.0.0.1:`port`.
    package init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard withLoopbackAddress(port: port, { connect(descriptor, $0, $1) }) == 0 else {
            throw POSIXFailure("connect")
        }
    }

    deinit { close(descriptor) }

    /// Sends `text` as it is (no SIGPIPE when the server has closed: an error instead).
    package func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw POSIXFailure("send") }
    }

    /// ``response(waiting:)`` on a thread of its own, off Swift's cooperative pool (which the server's tasks need).
    package func awaitResponse(waiting: Duration) async -> String {
        await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: self.response(waiting: waiting)) }
        }
    }

    /// ``isOpen(waiting:)`` on a thread of its own.
    package func awaitIsOpen(waiting: Duration) async -> Bool {
        await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: self.isOpen(waiting: waiting)) }
        }
    }

    /// One whole HTTP/1.1 response with a Content-Length (or the interim 100 Continue), or what came within `waiting`.
    package func response(waiting: Duration) -> String {
        var text = ""
        while true {
            let more = receive(waiting: waiting)
            if more.isEmpty { return text }
            text += more
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            if head.hasPrefix("http/1.1 100") { return text }
            let length =
                head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text.utf8.count - text[..<end.upperBound].utf8.count >= length { return text }
        }
    }

    /// What arrives within `waiting` (empty when nothing did, or the server closed).
    package func receive(waiting: Duration) -> String {
        guard poll(waiting) else { return "" }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
    }

    /// Whether the server still holds the connection open after `waiting` (data that arrives is read and dropped).
    package func isOpen(waiting: Duration) -> Bool {
        guard poll(waiting) else { return true }
        var buffer = [UInt8](repeating: 0, count: 4096)
        return recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0
    }

    private func poll(_ waiting: Duration) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return Glibc.poll(&entry, 1, Int32(waiting / .milliseconds(1))) > 0
    }
}
