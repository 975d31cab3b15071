public import Foundation
import ZImageHTTP

/// A cassette that cannot be used, or may not be written: which file, what is wrong, and what to do.
///
/// A struct over a private code, so that kinds can be added without breaking anyone: compare ``code`` with the static
/// members of ``Code``, or `catch CassetteError.Code.notFound`.
public struct CassetteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it is. New codes may be added; compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// No cassette at the path, and the record mode only replays.
        public static let notFound = Code("not_found")
        /// The file is not a cassette this package can read.
        public static let unreadable = Code("unreadable")
        /// The cassette has a format version this package does not know.
        public static let unsupportedFormat = Code("unsupported_format")
        /// A body file the cassette names is missing.
        public static let missingBody = Code("missing_body")
        /// A body file's bytes do not have the hash the cassette gives.
        public static let bodyHashMismatch = Code("body_hash_mismatch")
        /// Writing was refused: a secret would have reached the cassette.
        public static let secretFound = Code("secret_found")
        /// Recording was refused (in CI without ZIMAGE_ALLOW_RECORDING=1).
        public static let recordingRefused = Code("recording_refused")
        /// Another process held the cassette's lock for longer than a write waits.
        public static let lockTimeout = Code("lock_timeout")
        /// A recording was not whole (an exchange failed or never completed, the work that drove it failed, it misses
        /// what it needs): the cassette was not written, and the old one, if any, was kept byte for byte.
        public static let recordingKept = Code("recording_kept")
        /// The cassette has no interactions: replaying it proves nothing.
        public static let empty = Code("empty")

        /// The code's name in snake case.
        public var description: String { name }

        /// Whether `error` is a ``CassetteError`` with this code.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? CassetteError)?.code == code
        }
    }

    /// The cassette file (or folder) concerned.
    public let path: String
    private let reason: Reason

    /// The details of each code.
    private enum Reason: Sendable, Hashable {
        case notFound(mode: String, hint: String)
        case unreadable(String)
        case unsupportedFormat(found: Int)
        case missingBody(file: String)
        case bodyHashMismatch(file: String, expected: String, actual: String)
        case secretFound(place: String)
        case recordingRefused(mode: String, ci: String)
        case lockTimeout(lock: String, waited: Duration)
        case recordingKept(reason: String, existed: Bool)
        case empty(hint: String)
    }

    private init(_ path: String, _ reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// What kind of failure it is.
    public var code: Code {
        switch reason {
        case .notFound: .notFound
        case .unreadable: .unreadable
        case .unsupportedFormat: .unsupportedFormat
        case .missingBody: .missingBody
        case .bodyHashMismatch: .bodyHashMismatch
        case .secretFound: .secretFound
        case .recordingRefused: .recordingRefused
        case .lockTimeout: .lockTimeout
        case .recordingKept: .recordingKept
        case .empty: .empty
        }
    }

    /// The sentence a person can act on: which file, what is wrong, what to do.
    public var description: String {
        switch reason {
        case .notFound(let mode, let hint):
            "The cassette \(path) does not exist (record mode \(mode) only replays): \(hint)."
        case .unreadable(let why):
            "The cassette \(path) cannot be read: \(why)."
        case .unsupportedFormat(let found):
            "The cassette \(path) has format \(found), but this version reads format \(Cassette.currentFormat) only: re-record "
                + "it, or use the version that wrote it."
        case .missingBody(let file):
            "The cassette \(path) names the body file \(file), which is missing: restore it from version control or re-record."
        case .bodyHashMismatch(let file, let expected, let actual):
            "The body file \(file) of the cassette \(path) has sha256 \(actual), but the cassette expects \(expected): it was "
                + "changed or corrupted; restore it or re-record."
        case .secretFound(let place):
            "Refused to write the cassette \(path): the API key would appear in \(place) even after redaction."
        case .recordingRefused(let mode, let ci):
            "Refused to record \(path) with record mode \(mode): CI=\(UntrustedText.escaped(ci)) is set, and CI must never "
                + "record by accident: set \(RecordMode.allowRecordingVariable)=1 to allow it, or replay only (record mode none)."
        case .lockTimeout(let lock, let waited):
            "Could not write the cassette \(path): another process held its lock (\(lock)) for more than \(waited); nothing "
                + "was overwritten. Let the other recording finish, or end it, and record again."
        case .recordingKept(let reason, let existed):
            existed
                ? "kept \(path): \(reason); nothing was written"
                : "\(path) was not written: \(reason); nothing was written"
        case .empty(let hint):
            "The cassette \(path) has no interactions, so replaying it proves nothing: \(hint), or delete it."
        }
    }

    /// No cassette at `path`, and record mode `mode` only replays.
    static func notFound(path: String, mode: String, hint: String) -> Self {
        Self(path, .notFound(mode: mode, hint: hint))
    }
    /// The file at `path` is not a cassette this package can read, for `reason`.
    package static func unreadable(path: String, reason: String) -> Self { Self(path, .unreadable(reason)) }
    /// The cassette at `path` has format `found`.
    static func unsupportedFormat(path: String, found: Int) -> Self { Self(path, .unsupportedFormat(found: found)) }
    /// The body file `file` of the cassette at `path` is missing.
    static func missingBody(path: String, file: String) -> Self { Self(path, .missingBody(file: file)) }
    /// The body file `file` does not have the hash the cassette gives.
    static func bodyHashMismatch(path: String, file: String, expected: String, actual: String) -> Self {
        Self(path, .bodyHashMismatch(file: file, expected: expected, actual: actual))
    }
    /// A secret would have reached `place` of the cassette at `path`.
    static func secretFound(path: String, place: String) -> Self { Self(path, .secretFound(place: place)) }
    /// The lock of the cassette at `path` was held elsewhere for longer than `waited`.
    static func lockTimeout(path: String, lock: String, waited: Duration) -> Self {
        Self(path, .lockTimeout(lock: lock, waited: waited))
    }
    /// The recording of `path` was not written, for `reason`; `existed`: the file there was kept.
    static func recordingKept(path: String, reason: String, existed: Bool) -> Self {
        Self(path, .recordingKept(reason: reason, existed: existed))
    }
    /// The cassette at `path` has no interactions; `hint` says how to record it.
    static func empty(path: String, hint: String) -> Self { Self(path, .empty(hint: hint)) }
    /// Recording `path` in `mode` was refused because CI is set.
    static func recordingRefused(path: String, mode: String, ci: String) -> Self {
        Self(path, .recordingRefused(mode: mode, ci: ci))
    }
}

extension CassetteError: LocalizedError {
    /// ``description``: which cassette, what is wrong, and what to do.
    public var errorDescription: String? { description }
}
