import Foundation
import HTTPTypes
package import NIOCore
package import NIOHTTP1
import ZImageCassettes
import ZImageSimulation

/// Serves the requests of one request stream (an HTTP/1.1 connection, or one HTTP/2 stream), in order, playing scripted
/// faults (`FaultScript`, which also marks every answer as the simulator's).
package struct ConnectionHandler: Sendable {
    let backend: any SimulatorBackend
    let state: ServerState
    let serverBaseURL: URL
    /// Timeouts and the largest request body (a larger one, declared or sent, gets 413 and the connection is closed).
    let limits: SimulatorLimits
    var maxRequestBytes: Int { limits.maxRequestBytes }

    /// Serves the stream until the peer ends it, a fault closes it, a client is too slow, or the server shuts down.
    ///
    /// One deadline at a time is armed on the stream, and closes it when it passes: the request head within the
    /// header timeout (the idle timeout after an answer on a kept-alive connection), then the body within the body
    /// timeout. Nothing is armed while an answer is being sent.
    package func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        let channel = connection.channel
        // The accepted socket is this channel (HTTP/1.1) or its parent (an HTTP/2 stream); marking both is simpler than
        // telling them apart, and a listening socket marked by the way is never timed.
        let sockets = [ObjectIdentifier(channel)] + (channel.parent.map { [ObjectIdentifier($0)] } ?? [])
        var deadline: Scheduled<Void>?
        func arm(_ timeout: Duration?) {
            deadline?.cancel()
            deadline = timeout.map {
                channel.eventLoop.scheduleTask(in: TimeAmount($0)) { channel.close(promise: nil) }
            }
        }
        // Whether a request is in progress on the socket, for the connection limit: a busy connection is never evicted.
        var requestInProgress = false
        func idle() {
            guard requestInProgress else { return }
            requestInProgress = false
            state.locked { state in
                for socket in sockets { state.busy[socket, default: 1] -= 1 }
            }
        }
        arm(limits.headerTimeout)
        defer {
            arm(nil)
            idle()
        }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body = ByteBuffer()
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        arm(limits.bodyTimeout)
                        state.locked { state in
                            state.servedSockets.formUnion(sockets)
                            for socket in sockets { state.busy[socket, default: 0] += 1 }
                        }
                        requestInProgress = true
                        head = requestHead
                        body.clear()
                        if let declared = requestHead.headers.first(name: "content-length").flatMap(Int.init),
                            declared > maxRequestBytes
                        {
                            try await refuseTooLarge(requestHead, bytes: declared, outbound: outbound)
                            return
                        }
                        if requestHead.headers[canonicalForm: "expect"].contains(where: {
                            $0.lowercased() == "100-continue"
                        }) {
                            // The client waits for this before it sends the body (curl for a second, then sends anyway).
                            try await outbound.write(
                                .head(HTTPResponseHead(version: requestHead.version, status: .continue)))
                        }
                    case .body(var chunk):
                        body.writeBuffer(&chunk)
                        if body.readableBytes > maxRequestBytes, let requestHead = head {
                            try await refuseTooLarge(requestHead, bytes: body.readableBytes, outbound: outbound)
                            return
                        }
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        arm(nil)
                        let keepOpen = try await answer(
                            requestHead, body: Data(body.readableBytesView), outbound: outbound,
                            channel: connection.channel)
                        idle()
                        if !keepOpen || !requestHead.isKeepAlive { return }
                        arm(limits.idleTimeout)
                    }
                }
            }
        } catch {
            // The peer went away, or a fault closed the connection: nothing more to do for it.
        }
    }

    /// Answers 413 at once, without reading the body, and lets the connection close.
    private func refuseTooLarge(
        _ head: HTTPRequestHead, bytes: Int, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    )
        async throws
    {
        _ = state.log(
            SimulatorLogEntry(
                method: head.method.rawValue, target: head.uri, status: 413, fault: nil,
                host: head.headers.first(name: "host"), hadAuthorization: head.headers.contains(name: "authorization"),
                userAgent: head.headers.first(name: "user-agent")))
        let body = DashScopeSimulation.errorBody(
            code: "RequestTooLarge",
            message: "The request body of \(bytes) bytes is over the \(maxRequestBytes)-byte limit.",
            requestID: state.faults.requestIDs.nextRequestID(seed: Data(head.uri.utf8)))
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: Cassette.sourceHeader, value: Cassette.Source.simulator.rawValue)
        headers.add(name: "Connection", value: "close")
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .payloadTooLarge, headers: headers)))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
        try await outbound.write(.end(nil))
    }

    /// Answers one request; returns whether the connection stays open.
    private func answer(
        _ head: HTTPRequestHead, body: Data, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        channel: any Channel
    ) async throws -> Bool {
        let target = head.uri
        let path = String(target.prefix { $0 != "?" })
        let query = target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) }
        var fields = HTTPFields()
        for (name, value) in head.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        let request = SimulatorRequest(
            method: HTTPRequest.Method(head.method.rawValue) ?? .get, path: path, query: query,
            headerFields: fields, body: body, serverBaseURL: serverBaseURL)
        let fault = state.faults.take(for: path)
        // Logged on arrival, so a test sees a request the server is still holding; the status is added when answered.
        let entry = SimulatorLogEntry(
            method: head.method.rawValue, target: target, status: nil, fault: fault?.description,
            host: head.headers.first(name: "host"), hadAuthorization: fields[.authorization] != nil,
            userAgent: fields[.userAgent])
        let number = state.log(entry)

        let played = try await state.faults.play(fault, answering: request, backend: backend) {
            try await Task.sleep(for: $0)
        }
        guard case .answer(let response, let delivery) = played else {
            state.setStatus(nil, ofRequest: number)
            if let provider = channel as? any SocketOptionProvider {
                try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            }
            try? await channel.close()
            return false
        }
        state.setStatus(response.status, ofRequest: number)

        var headers = HTTPHeaders()
        for field in response.headerFields where field.name != .contentLength {
            headers.add(name: field.name.rawName, value: field.value)
        }
        switch delivery {
        case .chunked, .endless:
            headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
        default:
            headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        }
        if !head.isKeepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        try await outbound.write(
            .head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: response.status), headers: headers)))

        switch delivery {
        case .truncated:
            try await outbound.write(
                .body(.byteBuffer(ByteBuffer(bytes: response.body.prefix(response.body.count / 2)))))
            try? await channel.close()
            return false
        case .endless:
            // Bounded all the same: a minute, or until the client closes (the write then fails).
            let chunk = ByteBuffer(repeating: UInt8(ascii: "z"), count: 64 * 1024)
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                try await outbound.write(.body(.byteBuffer(chunk)))
            }
            try? await channel.close()
            return false
        case .slow(let chunkSize, let interval):
            var offset = 0
            while offset < response.body.count {
                let end = min(offset + chunkSize, response.body.count)
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body[offset..<end]))))
                offset = end
                if offset < response.body.count { try await Task.sleep(for: interval) }
            }
        case .whole, .chunked:
            if !response.body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
        }
        try await outbound.write(.end(nil))
        return true
    }
}
