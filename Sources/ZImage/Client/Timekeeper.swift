import Synchronization

/// The clock and the sleep the client waits with, injectable so that tests of retries and deadlines never wait for real.
public struct Timekeeper: Sendable {
    /// The current instant.
    public var now: @Sendable () -> ContinuousClock.Instant
    /// Suspends for a duration; throws `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Whether ``sleep`` spends real time: the client says in its log when a wait is skipped instead.
    package var waitsForReal = true

    /// Creates a timekeeper from a clock reading and a sleep.
    public init(
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        sleep: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.now = now
        self.sleep = sleep
    }

    /// The real continuous clock and `Task.sleep`.
    public static let system = Timekeeper(now: { ContinuousClock.now }, sleep: { try await Task.sleep(for: $0) })

    /// A clock that jumps over every wait instead of waiting: replays and simulator recordings honour Retry-After and
    /// backoff in order and amount, without spending the time. Cancellation still ends a sleep.
    public static func instant() -> Timekeeper {
        let origin = ContinuousClock.now
        let elapsed = Mutex(Duration.zero)
        var timekeeper = Timekeeper(
            now: { origin + elapsed.withLock { $0 } },
            sleep: { duration in
                try Task.checkCancellation()
                elapsed.withLock { $0 += duration }
            })
        timekeeper.waitsForReal = false
        return timekeeper
    }
}
