/// A cassette that cannot be used: each case says which file and what to do.
public enum CassetteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No cassette at the path.
    case notFound(path: String, mode: String)
    /// The file is not a cassette this package can read.
    case unreadable(path: String, reason: String)
    /// The cassette has a format version this package does not know.
    case unsupportedFormat(path: String, found: Int)
    /// A body file the cassette names is missing.
    case missingBody(path: String, file: String)
    /// A body file's bytes do not have the hash the cassette gives.
    case bodyHashMismatch(path: String, file: String, expected: String, actual: String)
    /// Writing was refused: a secret would have reached the cassette.
    case secretFound(path: String, place: String)
    /// Recording was refused (in CI without ZIMAGE_ALLOW_RECORDING=1).
    case recordingRefused(path: String, mode: String)

    public var description: String {
        switch self {
        case .notFound(let path, let mode):
            "The cassette \(path) does not exist (record mode \(mode) only replays): record it with "
                + "`zimage generate --mode record --record-mode once --cassette \(path) …` or `zimage cassettes record`."
        case .unreadable(let path, let reason):
            "The cassette \(path) cannot be read: \(reason)."
        case .unsupportedFormat(let path, let found):
            "The cassette \(path) has format \(found), but this zimage reads format \(Cassette.currentFormat) only: "
                + "re-record it, or use the zimage that wrote it."
        case .missingBody(let path, let file):
            "The cassette \(path) names the body file \(file), which is missing: restore it from version control or re-record."
        case .bodyHashMismatch(let path, let file, let expected, let actual):
            "The body file \(file) of the cassette \(path) has sha256 \(actual), but the cassette expects \(expected): "
                + "it was changed or corrupted; restore it or re-record."
        case .secretFound(let path, let place):
            "Refused to write the cassette \(path): the API key would appear in \(place) even after redaction."
        case .recordingRefused(let path, let mode):
            "Refused to record \(path) with record mode \(mode): CI=true is set, and CI must never record by accident "
                + "(set ZIMAGE_ALLOW_RECORDING=1 to allow it, or use --record-mode none)."
        }
    }
}
