/// An error that keeps the error that caused it, so that a caller can find a structured cause however many layers wrapped
/// it (`TransportError` keeps a replaying transport's miss; the client core's error keeps the `TransportError`).
public protocol WrappingError: Error {
    /// The cause, when there is one.
    var underlying: (any Error)? { get }
}

/// The first error of type `Cause` in `error` and its chain of ``WrappingError/underlying`` causes.
package func firstCause<Cause: Error>(_ type: Cause.Type, in error: any Error) -> Cause? {
    var current: (any Error)? = error
    while let error = current {
        if let cause = error as? Cause { return cause }
        current = (error as? any WrappingError)?.underlying
    }
    return nil
}
