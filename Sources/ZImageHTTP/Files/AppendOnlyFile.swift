package import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appending to a log that readers take line by line (`generations.jsonl`, GitHub's step summary): all or nothing.
///
/// The bytes go in `write` calls to a file opened for appending without following a symbolic link, under an exclusive
/// `flock`, so that appends from concurrent processes never mix; when the disk fills part way, the file is cut back to
/// where it was and the error names the real reason (`No space left on device`), so a reader never meets half a line
/// glued to the next one.
package enum AppendOnlyFile {
    /// Appends `bytes` to the file at `path`, creating it, whole or not at all.
    ///
    /// - Throws: ``POSIXFailure`` naming the real reason; the file is then as it was.
    package static func append(_ bytes: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let failure = POSIXFailure("open \(path)")
            throw failure.code == ELOOP
                ? POSIXFailure(operation: "open \(path)", reason: "it is a symbolic link, which is not followed")
                : failure
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw POSIXFailure("stat \(path)") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw POSIXFailure(operation: "append to \(path)", reason: "it is not a regular file")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw POSIXFailure("lock \(path)") }
        }
        guard fstat(descriptor, &info) == 0 else { throw POSIXFailure("stat \(path)") }
        let start = info.st_size
        var offset = 0
        var failure: POSIXFailure?
        bytes.withUnsafeBytes { buffer in
            while offset < buffer.count {
                let written = posixWrite(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = POSIXFailure("append to \(path)")
                    return
                }
                offset += written
            }
        }
        if let failure {
            // Part of the line may be in the file: take it back out, so the file ends where it did.
            if offset > 0 { _ = ftruncate(descriptor, start) }
            throw failure
        }
    }

}
