import CCurlShims
import Foundation
import HTTPTypes
import ZImageHTTP

/// One request on one libcurl easy handle: its options, the response as it arrives, and the continuation to resume.
///
/// Invariant: created and configured on the caller's thread, then, once handed to ``CurlEngine/start(_:)``, touched only on
/// the engine thread (libcurl's callbacks run there too) until ``finish(_:)`` resumes the caller. What the callbacks
/// decide (the cap, the sink's head, which failure wins, resuming once) is ``CurlTransferState``'s; this class does the
/// I/O it asks for.
final class CurlTransfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    var continuation: CheckedContinuation<CurlTransport.Exchange, any Error>?
    private var state: CurlTransferState
    var isFinished: Bool { state.isFinished }

    private let method: HTTPRequest.Method
    private let url: String
    private let maxResponseBytes: Int
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?
    /// The connect-to route the request's own host took, named in errors.
    private var route: ConnectRoute?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var responseBody = Data()
    /// Where the body goes as it arrives, instead of ``responseBody``; `nil` to keep it.
    private let sink: (any ResponseBodySink)?

    init(
        request: HTTPRequest, body: Data?, configuration: CurlTransport.Configuration, proxies: ProxySettings,
        sink: (any ResponseBodySink)? = nil
    ) throws {
        self.sink = sink
        guard let url = request.url?.absoluteString else {
            throw TransportError(.invalidRequest, "the request has no complete URL")
        }
        guard let easy = curl_easy_init() else { throw TransportError(.other, "libcurl could not create a handle") }
        self.easy = easy
        self.method = request.method
        self.url = url
        self.maxResponseBytes = configuration.maxResponseBytes
        self.state = CurlTransferState(
            maxResponseBytes: configuration.maxResponseBytes, streamsBody: sink != nil,
            followsRedirects: request.method == .get)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        do {
            try configure(request, body: body, configuration: configuration, proxies: proxies)
        } catch {
            release()
            throw error
        }
    }

    deinit {
        release()
    }

    private func release() {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        headerList = nil
        curl_slist_free_all(connectToList)
        connectToList = nil
        errorBuffer.deallocate()
    }

    // MARK: - Options

    private func configure(
        _ request: HTTPRequest, body: Data?, configuration: CurlTransport.Configuration, proxies: ProxySettings
    ) throws {
        func set(_ option: CURLoption, _ value: Int) throws {
            try check(zimage_curl_setopt_long(easy, option, value), option)
        }
        func set(_ option: CURLoption, _ value: String) throws {
            try check(zimage_curl_setopt_string(easy, option, value), option)
        }
        func check(_ code: CURLcode, _ option: CURLoption) throws {
            guard code == CURLE_OK else {
                throw TransportError(
                    .invalidRequest, "libcurl refused option \(option.rawValue)", detail: Self.describe(code))
            }
        }

        try set(CURLOPT_URL, url)
        try set(CURLOPT_NOSIGNAL, 1)
        try check(zimage_curl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), CURLOPT_ERRORBUFFER)
        try set(CURLOPT_USERAGENT, configuration.userAgent)
        try set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        try set(CURLOPT_ACCEPT_ENCODING, "")
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        // Fewer, larger write callbacks for image bodies (libcurl's default buffer is 16 KiB).
        try set(CURLOPT_BUFFERSIZE, 256 * 1024)
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.totalTimeout))
        try set(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit)
        try set(CURLOPT_LOW_SPEED_TIME, max(1, Int(configuration.lowSpeedTime / .seconds(1))))
        try check(
            zimage_curl_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.maxResponseBytes)),
            CURLOPT_MAXFILESIZE_LARGE)
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = configuration.caFile { try set(CURLOPT_CAINFO, caFile) }
        // Every route goes to libcurl (a redirect may lead to another routed host); the request's own route decides the proxy.
        if !configuration.connectTo.isEmpty {
            for route in configuration.connectTo { connectToList = curl_slist_append(connectToList, route.description) }
            try check(zimage_curl_setopt_slist(easy, CURLOPT_CONNECT_TO, connectToList), CURLOPT_CONNECT_TO)
        }
        route = request.url.flatMap { url in
            url.host.flatMap { host in
                configuration.connectTo.first {
                    $0.matches(host: host, port: url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80))
                }
            }
        }
        try set(CURLOPT_PROXY, route?.isLoopbackTarget == true ? "" : proxies.proxy(forScheme: request.scheme))
        try set(CURLOPT_NOPROXY, proxies.noProxy)

        let isHTTPS = request.scheme?.lowercased() == "https"
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        if request.method == .get {
            try set(CURLOPT_FOLLOWLOCATION, 1)
            try set(CURLOPT_MAXREDIRS, configuration.maxRedirects)
            try set(CURLOPT_REDIR_PROTOCOLS_STR, isHTTPS ? "https" : "http,https")
        } else {
            try set(CURLOPT_FOLLOWLOCATION, 0)
        }

        switch request.method {
        case .get:
            try set(CURLOPT_HTTPGET, 1)
        case .head:
            try set(CURLOPT_NOBODY, 1)
        case .post:
            try set(CURLOPT_POST, 1)
        default:
            try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if let body {
            try check(
                zimage_curl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)),
                CURLOPT_POSTFIELDSIZE_LARGE)
            // COPYPOSTFIELDS copies the bytes during the call, so a temporary pointer is enough.
            if body.isEmpty {
                try set(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                try body.withUnsafeBytes { buffer in
                    try check(
                        zimage_curl_setopt_pointer(
                            easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress)),
                        CURLOPT_COPYPOSTFIELDS)
                }
            }
        }

        // Header fields as given; an empty "Expect:" stops libcurl's 100-continue round trip on larger bodies.
        var lines = request.headerFields.map { "\($0.name.rawName): \($0.value)" }
        if !request.headerFields.contains(where: { $0.name.canonicalName == "expect" }) { lines.append("Expect:") }
        for line in lines { headerList = curl_slist_append(headerList, line) }
        try check(zimage_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList), CURLOPT_HTTPHEADER)

        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(zimage_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, context), CURLOPT_WRITEDATA)
        try check(
            zimage_curl_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
            }, CURLOPT_WRITEFUNCTION)
        // The cap holds for every response read, a redirect's included: libcurl reads a followed redirect's body to reuse
        // the connection without handing it to the write callback, so the byte count it reports is watched too.
        try check(zimage_curl_setopt_pointer(easy, CURLOPT_XFERINFODATA, context), CURLOPT_XFERINFODATA)
        try check(
            zimage_curl_setopt_xferinfo_callback(easy, CURLOPT_XFERINFOFUNCTION) { context, _, downloaded, _, _ in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.progressed(downloaded: Int(downloaded)) ? 0 : 1
            }, CURLOPT_XFERINFOFUNCTION)
        try set(CURLOPT_NOPROGRESS, 0)
        try check(zimage_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, context), CURLOPT_HEADERDATA)
        try check(
            zimage_curl_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            }, CURLOPT_HEADERFUNCTION)
    }

    // MARK: - Callbacks (engine thread)

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        switch state.receivedBody(count: bytes.count) {
        case .stop:
            return false
        case .keep:
            responseBody.append(contentsOf: bytes)
            return true
        case .deliver(let headFirst):
            guard let sink else { return false }  // never: the state delivers only when there is a sink
            do {
                if headFirst { try sink.receive(try responseHead()) }
                try sink.receive(bytes)
                return true
            } catch {
                state.sinkFailed(error)
                return false
            }
        }
    }

    /// Whether the transfer may go on, `downloaded` bytes into the current response: never past the cap.
    private func progressed(downloaded: Int) -> Bool {
        state.progressed(downloaded: downloaded)
    }

    /// The final response's status as libcurl read it (0 before any).
    private var status: Int {
        var status = 0
        _ = zimage_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    /// The current response's head, refused unless its status is one HTTP can have.
    private func responseHead() throws -> HTTPResponse {
        let status = self.status
        guard CurlTransferState.isValid(status: status) else { throw invalidStatus(status) }
        return HTTPResponse(status: .init(code: status), headerFields: state.fields)
    }

    private func invalidStatus(_ status: Int) -> TransportError {
        TransportError(.other, "\(url) answered without a valid HTTP status (\(status))")
    }

    private func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            state.responseBegan()  // after a redirect, or after 100 Continue
            responseBody.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":"),
            let name = HTTPField.Name(String(line[..<colon]).trimmingCharacters(in: .whitespaces))
        else { return }
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        // Reserve the whole body once rather than regrowing it.
        if let capacity = state.received(HTTPField(name: name, value: value)) { responseBody.reserveCapacity(capacity) }
    }

    // MARK: - Completion (engine thread)

    /// Called by the engine when libcurl is done with this transfer.
    func complete(_ code: CURLcode) {
        switch state.completed(succeeded: code == CURLE_OK, status: status) {
        case .failure(.sink(let error)):
            finish(.failure(error))
        case .failure(.transport(let tooLarge)):
            finish(.failure(transportError(code, stoppedForSize: tooLarge)))
        case .failure(.invalidStatus(let status)):
            finish(.failure(invalidStatus(status)))
        case .failure(.redirectNotFollowed(let status, let location)):
            finish(
                .failure(
                    TransportError.redirectNotFollowed(
                        method: method.rawValue, url: url, status: status, location: location)))
        case .success(let deliverHead):
            do {
                let head = try responseHead()
                if deliverHead { try sink?.receive(head) }  // an empty body: the head still reaches the sink
                finish(.success(.init(response: head, body: responseBody, metrics: metrics())))
            } catch {
                finish(.failure(error))
            }
        }
    }

    /// Resumes the caller once.
    func finish(_ result: Result<CurlTransport.Exchange, any Error>) {
        guard state.finish() else { return }
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(with: result)
    }

    private func metrics() -> TransferMetrics {
        func time(_ info: CURLINFO) -> Duration {
            var microseconds: curl_off_t = 0
            _ = zimage_curl_getinfo_off_t(easy, info, &microseconds)
            return .microseconds(microseconds)
        }
        var connections = 0
        _ = zimage_curl_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connections)
        var version = 0
        _ = zimage_curl_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version)
        let httpVersion =
            switch version {
            case CURL_HTTP_VERSION_1_0: "1.0"
            case CURL_HTTP_VERSION_1_1: "1.1"
            case CURL_HTTP_VERSION_2_0: "2"
            case CURL_HTTP_VERSION_3: "3"
            default: "unknown"
            }
        return TransferMetrics(
            nameLookup: time(CURLINFO_NAMELOOKUP_TIME_T), connect: time(CURLINFO_CONNECT_TIME_T),
            tlsHandshake: time(CURLINFO_APPCONNECT_TIME_T), firstByte: time(CURLINFO_STARTTRANSFER_TIME_T),
            total: time(CURLINFO_TOTAL_TIME_T), connectionsOpened: connections, httpVersion: httpVersion)
    }

    /// libcurl's failure in words, with its code and message in the detail; `stoppedForSize` when the cap stopped it
    /// (libcurl then reports a short write or an aborted callback).
    private func transportError(_ code: CURLcode, stoppedForSize: Bool) -> TransportError {
        let text = errorBuffer.pointee == 0 ? String(cString: curl_easy_strerror(code)) : String(cString: errorBuffer)
        let detail = "libcurl error \(code.rawValue): \(text)"
        let target =
            TransportError.target(of: url)
            + (route.map { " (connected to \($0.targetHost):\($0.targetPort) by a connect-to route)" } ?? "")
        switch code {
        case _ where stoppedForSize, CURLE_FILESIZE_EXCEEDED:
            return .tooLarge(target, limit: maxResponseBytes, detail: detail)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return TransportError(.dnsFailure, "the host name of \(target) could not be resolved", detail: detail)
        case CURLE_COULDNT_CONNECT:
            var osError = 0
            _ = zimage_curl_getinfo_long(easy, CURLINFO_OS_ERRNO, &osError)
            let reason =
                osError == Int(ECONNREFUSED)
                ? "was refused (nothing listens there?)"
                : osError != 0 ? "failed: \(String(cString: strerror(Int32(osError))))" : "could not be opened"
            return TransportError(.connectionRefused, "the connection to \(target) \(reason)", detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(target, detail: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS:
            return TransportError(
                .tls, "the TLS connection to \(target) failed (certificate not trusted, or handshake refused)",
                detail: detail)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .connectionClosed(target, detail: detail)
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects(target, detail: detail)
        case CURLE_UNSUPPORTED_PROTOCOL where redirectTarget != nil:
            let scheme = redirectTarget.flatMap { URLComponents(string: $0)?.scheme?.lowercased() } ?? "another"
            return .redirectRefused(target, toScheme: scheme, detail: detail)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return TransportError(.invalidRequest, "the URL cannot be used", detail: detail)
        default:
            return TransportError(.other, "the request to \(target) failed", detail: detail)
        }
    }

    /// Where the last response redirected to, when it did: the redirect libcurl did not follow, or the URL it was
    /// following when it stopped (it moves its effective URL to a redirect's target before refusing its scheme).
    private var redirectTarget: String? {
        var redirect: UnsafeMutablePointer<CChar>?
        _ = zimage_curl_getinfo_string(easy, CURLINFO_REDIRECT_URL, &redirect)
        if let redirect { return String(cString: redirect) }
        var effective: UnsafeMutablePointer<CChar>?
        _ = zimage_curl_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &effective)
        guard let effective else { return nil }
        let target = String(cString: effective)
        return target == url ? nil : target
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        max(1, Int(duration / .milliseconds(1)))
    }

    private static func describe(_ code: CURLcode) -> String {
        "libcurl error \(code.rawValue): \(String(cString: curl_easy_strerror(code)))"
    }
}
