import HTTPTypes

/// What one transfer has received and what it may do next, without I/O: the rules ``CurlTransfer``'s libcurl callbacks
/// follow, in one value that tests drive without a handle or a socket (as async-http-client's state machines are).
///
/// libcurl reports a transfer as a sequence of events: a status line starts each response (a redirect's, a
/// `100 Continue`, the final one), header fields follow, then body bytes, progress, and one completion. The machine
/// answers each event with what the transfer must do; the transfer does it.
struct CurlTransferState {
    /// Where the transfer is.
    enum Phase {
        /// Reading responses.
        case receiving
        /// Stopped from our side; libcurl is told to abort, and its completion reports this reason.
        case stopped(StopReason)
        /// The caller was resumed; nothing more happens.
        case finished
    }

    /// Why a transfer was stopped from our side.
    enum StopReason {
        /// A response grew past the cap.
        case tooLarge
        /// The body's sink threw; the caller gets this error.
        case sinkFailed(any Error)
    }

    /// What to do with the body bytes that just arrived.
    enum BodyAction: Equatable {
        /// Append them to the body kept in memory.
        case keep
        /// Hand them to the sink, after the response head when `headFirst`.
        case deliver(headFirst: Bool)
        /// Stop the transfer (libcurl aborts on a short write).
        case stop
    }

    /// How a completed transfer ends.
    enum Completion {
        /// With an error.
        case failure(Failure)
        /// With the final response; when `deliverHead`, the sink has not had the head yet (an empty body) and gets it now.
        case success(deliverHead: Bool)
    }

    /// What a completed transfer failed with, for the transfer to put in words.
    enum Failure {
        /// The sink's own error, passed on as it is.
        case sink(any Error)
        /// libcurl's failure; `tooLarge` when it failed because the cap stopped it.
        case transport(tooLarge: Bool)
        /// The final response's status is not one HTTP can have.
        case invalidStatus(Int)
        /// A redirect answered a request that must not follow one (anything but GET).
        case redirectNotFollowed(status: Int, location: String)
    }

    /// The most bytes one response may have.
    let maxResponseBytes: Int
    /// Whether a sink takes the body instead of memory.
    let streamsBody: Bool
    /// Whether libcurl follows redirects for this request (GET only).
    let followsRedirects: Bool

    /// The current response's header fields.
    private(set) var fields = HTTPFields()
    /// Body bytes of the current response so far.
    private(set) var receivedBytes = 0
    /// Whether the sink has the current response's head.
    private(set) var headDelivered = false
    private(set) var phase = Phase.receiving

    init(maxResponseBytes: Int, streamsBody: Bool, followsRedirects: Bool) {
        self.maxResponseBytes = maxResponseBytes
        self.streamsBody = streamsBody
        self.followsRedirects = followsRedirects
    }

    /// A status line: a new response begins, and what was kept of the previous one is dropped (the sink gets the head of
    /// the response whose body follows).
    mutating func responseBegan() {
        fields = HTTPFields()
        receivedBytes = 0
        headDelivered = false
    }

    /// A header field of the current response. Returns how many bytes to reserve for a body kept in memory, when the
    /// field is a Content-Length (the server's word, so never past the cap).
    mutating func received(_ field: HTTPField) -> Int? {
        fields.append(field)
        guard !streamsBody, field.name == .contentLength, let length = Int(field.value), length > 0 else { return nil }
        return min(length, maxResponseBytes)
    }

    /// `count` body bytes of the current response arrived.
    mutating func receivedBody(count: Int) -> BodyAction {
        guard case .receiving = phase else { return .stop }
        guard receivedBytes + count <= maxResponseBytes else {
            phase = .stopped(.tooLarge)
            return .stop
        }
        receivedBytes += count
        guard streamsBody else { return .keep }
        defer { headDelivered = true }
        return .deliver(headFirst: !headDelivered)
    }

    /// libcurl's byte count for the current response, which also counts a followed redirect's body that it reads without
    /// handing it over. Returns whether the transfer may go on.
    mutating func progressed(downloaded: Int) -> Bool {
        guard case .receiving = phase else { return false }
        guard downloaded <= maxResponseBytes else {
            phase = .stopped(.tooLarge)
            return false
        }
        return true
    }

    /// The sink threw; the transfer stops, and the caller gets `error`.
    mutating func sinkFailed(_ error: any Error) {
        guard case .receiving = phase else { return }
        phase = .stopped(.sinkFailed(error))
    }

    /// libcurl is done: `succeeded` is whether it reported success, `status` the final response's status.
    mutating func completed(succeeded: Bool, status: Int) -> Completion {
        switch phase {
        case .stopped(.sinkFailed(let error)):
            return .failure(.sink(error))
        case .stopped(.tooLarge):
            return .failure(.transport(tooLarge: true))
        case .finished, .receiving:
            break
        }
        guard succeeded else { return .failure(.transport(tooLarge: false)) }
        guard Self.isValid(status: status) else { return .failure(.invalidStatus(status)) }
        if (300..<400).contains(status), !followsRedirects, let location = fields[.location] {
            return .failure(.redirectNotFollowed(status: status, location: location))
        }
        let deliverHead = streamsBody && !headDelivered
        headDelivered = true
        return .success(deliverHead: deliverHead)
    }

    /// Whether the caller may be resumed now: true once, then never again.
    mutating func finish() -> Bool {
        if case .finished = phase { return false }
        phase = .finished
        return true
    }

    var isFinished: Bool {
        if case .finished = phase { return true }
        return false
    }

    /// Whether libcurl's status is one HTTP can have: it reads three digits, but anything outside 100–999 must never reach
    /// `HTTPResponse.Status`'s precondition.
    static func isValid(status: Int) -> Bool {
        (100...999).contains(status)
    }
}
