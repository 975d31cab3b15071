import Foundation

/// When and how long the client waits before trying a failed call again (docs/CONTRACT.md "Errors": failed calls are not billed).
///
/// Retried: HTTP 429, 500, 502, 503 and 504, and connection failures (refused, DNS, reset) — never another 4xx, never a
/// timeout (a generation that timed out may still finish, and be billed). The wait before retry *n* is `Retry-After` when the
/// server sent one, else "full jitter": a random time between zero and `min(maxDelay, baseDelay × 2^(n-1))`. Retrying stops
/// after ``maxAttempts`` attempts, or earlier when the next wait would end past the ``deadline`` counted from the first
/// attempt.
public struct RetryPolicy: Sendable {
    /// The HTTP statuses worth another attempt: those DashScope documents as retryable (429, 500, 503), and a gateway's
    /// 502 and 504, which come from a proxy in front of the API rather than from the API.
    static let retryableStatuses: Set<Int> = Set(DashScopeAPI.documentedErrors.filter(\.isRetried).map(\.status))
        .union([502, 504])

    /// Attempts in all, the first included; 1 means no retry.
    public var maxAttempts: Int
    /// The cap of the first backoff window; each later window doubles.
    var baseDelay: Duration
    /// The largest backoff window.
    var maxDelay: Duration
    /// The longest time from the first attempt to the start of the last; no wait is begun that would end past it.
    public var deadline: Duration
    /// A random number in 0...1 that scales each backoff window (injectable for tests).
    var jitter: @Sendable () -> Double

    /// Creates a policy.
    public init(
        maxAttempts: Int = 4,
        baseDelay: Duration = .seconds(1),
        maxDelay: Duration = .seconds(20),
        deadline: Duration = .seconds(600),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.deadline = deadline
        self.jitter = jitter
    }

    /// Four attempts, backoff windows of 1, 2 and 4 seconds (at most 20), ten minutes in all.
    public static let standard = RetryPolicy()
    /// One attempt, no retry.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// Whether a failure may be tried again.
    func isRetryable(_ error: ZImageError) -> Bool {
        error.isRetryable
    }

    /// The wait before attempt `attempt` (2 for the first retry): `retryAfter` when given, else full jitter.
    package func delay(beforeAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return max(retryAfter, .zero) }
        let exponent = min(max(attempt - 2, 0), 30)
        let window = min(maxDelay, baseDelay * (1 << exponent))
        return window * min(max(jitter(), 0), 1)
    }

    /// Reads a `Retry-After` header: whole seconds, or an HTTP date (RFC 9110) counted from `now`. `nil` when unreadable.
    static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 {
            return .seconds(seconds)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return .milliseconds(max(0, Int((date.timeIntervalSince(now) * 1000).rounded(.up))))
    }
}
