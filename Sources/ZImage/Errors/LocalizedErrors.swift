public import Foundation

// An app that shows `error.localizedDescription` (SwiftUI alerts, logs through Foundation) gets the sentence a person can
// act on, not Foundation's generic "The operation couldn't be completed".

extension ZImageError: LocalizedError {
    /// ``description``: what went wrong and what to do.
    public var errorDescription: String? { description }
}
