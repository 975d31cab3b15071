import CCurlShims
import Foundation
import ZImageHTTP

/// The thread that drives libcurl: one multi handle, its connection cache, and every transfer in flight.
///
/// Invariant: the multi handle and every easy handle attached to it are used only on the engine's own thread. Other
/// threads touch nothing but ``inbox`` (under ``lock``) and `curl_multi_wakeup`, which libcurl documents as thread-safe,
/// called outside the lock but counted under it (``waking``): the thread frees the multi handle only when no wakeup is
/// under way, and none starts once the engine is stopping.
///
/// Lifetime: ``stop()`` asks the thread to end and returns (a released transport); ``shutdown()`` also waits for it,
/// suspended, never blocking a thread. Either way, a transfer started afterwards fails at once.
///
/// A transfer's life, with its legal transitions:
/// ```
/// created ──start──▶ queued ──(engine thread)──▶ running ──done──▶ finished (response or TransportError)
///    │                 │                            │
///    └─cancel─────────▶└─cancel──▶ finished         └─cancel──▶ finished (CancellationError; removed from the multi)
/// ```
/// A transfer is finished exactly once; its continuation is resumed then and never again.
final class CurlEngine: @unchecked Sendable {
    private enum Command {
        case start(CurlTransfer)
        case cancel(CurlTransfer)
    }

    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var inbox: [Command] = []
    /// Guarded by `lock`.
    private var stopping = false
    /// Engine thread only: the transfers attached to the multi handle, by easy handle.
    private var running: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// Engine thread only: transfers cancelled before they started.
    private var cancelledEarly: Set<ObjectIdentifier> = []
    /// Guarded by `lock`: wakeups under way outside it (the multi handle is not freed until there are none).
    private var waking = 0
    /// Guarded by `lock`: whether the thread has ended, and who waits for it to.
    private var ended = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init() throws {
        guard let multi = curl_multi_init() else {
            throw TransportError(.other, "libcurl could not create a multi handle")
        }
        self.multi = multi
        _ = zimage_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        // Keep enough idle connections for many concurrent callers: libcurl's default cache closes and reopens them.
        _ = zimage_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 64)
        let thread = Thread { [self] in
            // Named from inside: Foundation on Linux does not pass Thread.name on to the system.
            _ = zimage_name_current_thread("zimage.libcurl")
            run()
        }
        thread.name = "zimage.libcurl"
        thread.start()
    }

    /// Queues a transfer; its continuation is resumed when it finishes.
    func start(_ transfer: CurlTransfer) {
        post(.start(transfer))
    }

    /// Ends a transfer with `CancellationError`, whether it is queued, running or not yet started.
    func cancel(_ transfer: CurlTransfer) {
        post(.cancel(transfer))
    }

    /// Asks the thread to stop, ending every transfer still in flight, without waiting for it: the thread holds the
    /// engine until it has cleaned libcurl up, so nothing is freed under it.
    func stop() {
        let wake = lock.withLock { () -> Bool in
            guard !stopping else { return false }
            stopping = true
            waking += 1
            return true
        }
        if wake { wakeUp() }
    }

    /// Stops the thread and waits, off Swift's cooperative pool, until it has ended and libcurl's handles are freed.
    func shutdown() async {
        stop()
        await withCheckedContinuation { continuation in
            let done = lock.withLock { () -> Bool in
                if ended { return true }
                waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Hands a command to the thread; once the engine is stopping, a transfer is refused at once instead.
    private func post(_ command: Command) {
        let refused = lock.withLock { () -> Bool in
            guard !stopping else { return true }
            inbox.append(command)
            waking += 1
            return false
        }
        guard refused else { return wakeUp() }
        if case .start(let transfer) = command {
            transfer.finish(.failure(TransportError(.other, "the transport was shut down before the request was sent")))
        }
    }

    /// Wakes the thread's poll, outside the lock (it is a system call, and every request makes one); the thread does
    /// not free the multi handle while a wakeup counted in ``waking`` is under way.
    private func wakeUp() {
        curl_multi_wakeup(multi)
        lock.withLock { waking -= 1 }
    }

    // MARK: - Engine thread

    private func run() {
        while true {
            let (commands, stop) = lock.withLock { () -> ([Command], Bool) in
                defer { inbox.removeAll() }
                return (inbox, stopping)
            }
            for command in commands { handle(command) }
            if stop { break }

            var stillRunning: Int32 = 0
            curl_multi_perform(multi, &stillRunning)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result
                guard let transfer = running.removeValue(forKey: easy) else { continue }
                curl_multi_remove_handle(multi, easy)
                transfer.complete(code)
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for (easy, transfer) in running {
            curl_multi_remove_handle(multi, easy)
            transfer.finish(
                .failure(TransportError(.other, "the transport was shut down while the request was in flight")))
        }
        running.removeAll()
        // No wakeup can start now (stopping is set); the few under way end within microseconds.
        var waiting: [CheckedContinuation<Void, Never>]?
        while waiting == nil {
            waiting = lock.withLock { () -> [CheckedContinuation<Void, Never>]? in
                guard waking == 0 else { return nil }
                curl_multi_cleanup(multi)
                ended = true
                defer { waiters.removeAll() }
                return waiters
            }
            if waiting == nil { sched_yield() }
        }
        for waiter in waiting ?? [] { waiter.resume() }
    }

    private func handle(_ command: Command) {
        switch command {
        case .start(let transfer):
            if cancelledEarly.remove(ObjectIdentifier(transfer)) != nil {
                transfer.finish(.failure(CancellationError()))
                return
            }
            let code = curl_multi_add_handle(multi, transfer.easy)
            guard code == CURLM_OK else {
                let text = String(cString: curl_multi_strerror(code))
                transfer.finish(.failure(TransportError(.other, "libcurl refused the request", detail: text)))
                return
            }
            running[transfer.easy] = transfer
        case .cancel(let transfer):
            if running.removeValue(forKey: transfer.easy) != nil {
                curl_multi_remove_handle(multi, transfer.easy)
                transfer.finish(.failure(CancellationError()))
            } else if !transfer.isFinished {
                cancelledEarly.insert(ObjectIdentifier(transfer))
            }
        }
    }
}
