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

        /// The code's name in snake case.
        public var description: String { name }

        /// Whether `error` is a ``CassetteError`` with this code.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? CassetteError)?.code == code
        }
    }

    /// What kind of failure it is.
    public let code: Code
    /// The cassette file (or folder) concerned.
    public let path: String
    /// The sentence a person can act on.
    public let description: String

    private init(_ code: Code, path: String, _ description: String) {
        self.code = code
        self.path = path
        self.description = description
    }

    /// No cassette at `path`, and record mode `mode` only replays.
    package static func notFound(path: String, mode: String) -> CassetteError {
        CassetteError(.notFound, path: path, "The cassette \(path) does not exist (record mode \(mode) only replays): record it "
            + "with `zimage generate --mode record --record-mode once --cassette \(path) …` or `zimage cassettes record`.")
    }

    /// The file at `path` is not a cassette this package can read, for `reason`.
    package static func unreadable(path: String, reason: String) -> CassetteError {
        CassetteError(.unreadable, path: path, "The cassette \(path) cannot be read: \(reason).")
    }

    /// The cassette at `path` has format `found`.
    package static func unsupportedFormat(path: String, found: Int) -> CassetteError {
        CassetteError(.unsupportedFormat, path: path, "The cassette \(path) has format \(found), but this zimage reads format "
            + "\(Cassette.currentFormat) only: re-record it, or use the zimage that wrote it.")
    }

    /// The body file `file` of the cassette at `path` is missing.
    package static func missingBody(path: String, file: String) -> CassetteError {
        CassetteError(.missingBody, path: path, "The cassette \(path) names the body file \(file), which is missing: restore it "
            + "from version control or re-record.")
    }

    /// The body file `file` does not have the hash the cassette gives.
    package static func bodyHashMismatch(path: String, file: String, expected: String, actual: String) -> CassetteError {
        CassetteError(.bodyHashMismatch, path: path, "The body file \(file) of the cassette \(path) has sha256 \(actual), but "
            + "the cassette expects \(expected): it was changed or corrupted; restore it or re-record.")
    }

    /// A secret would have reached `place` of the cassette at `path`.
    package static func secretFound(path: String, place: String) -> CassetteError {
        CassetteError(.secretFound, path: path, "Refused to write the cassette \(path): the API key would appear in \(place) even "
            + "after redaction.")
    }

    /// Recording `path` in `mode` was refused because CI is set.
    package static func recordingRefused(path: String, mode: String) -> CassetteError {
        CassetteError(.recordingRefused, path: path, "Refused to record \(path) with record mode \(mode): CI=true is set, and CI "
            + "must never record by accident (set ZIMAGE_ALLOW_RECORDING=1 to allow it, or use --record-mode none).")
    }
}
