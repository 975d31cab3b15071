import Synchronization

@testable import ZImage
@testable import ZImageHTTP

/// A clock that moves only when the client sleeps (or a test advances it): retry tests never wait for real.
final class VirtualTime: Sendable {
    private let origin = ContinuousClock.now
    private let state = Mutex<(elapsed: Duration, sleeps: [Duration])>((.zero, []))

    var elapsed: Duration { state.withLock { $0.elapsed } }
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func advance(by duration: Duration) {
        state.withLock { $0.elapsed += duration }
    }

    var timekeeper: Timekeeper {
        Timekeeper(
            now: { self.origin + self.elapsed },
            sleep: { duration in
                try Task.checkCancellation()
                self.state.withLock {
                    $0.elapsed += duration
                    $0.sleeps.append(duration)
                }
            })
    }
}
