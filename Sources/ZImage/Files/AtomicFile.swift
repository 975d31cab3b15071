package import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that its final name only ever holds the old content or the complete new content.
///
/// The bytes go to `<name>.<random>.part` beside the destination, are flushed to disk, and the part file is renamed over
/// the destination (an atomic replace on POSIX). On any failure the part file is removed and the destination is untouched;
/// a crash leaves at most a stray `.part` file, never a half-written destination.
package enum AtomicFile {
    /// Writes `data` to `destination` atomically, creating the parent folders.
    package static func write(_ data: Data, to destination: URL) throws {
        let directory = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let suffix = String(UInt32.random(in: .min ... .max), radix: 16)
        let part = directory.appendingPathComponent("\(destination.lastPathComponent).\(suffix).part")
        do {
            try writeAndSync(data, to: part.path)
            guard rename(part.path, destination.path) == 0 else { throw POSIXFailure("rename to \(destination.path)") }
        } catch {
            unlink(part.path)
            throw error
        }
    }

    private static func writeAndSync(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXFailure("create \(path)") }
        defer { close(descriptor) }
        try data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }  // empty data: nothing to write
            var offset = 0
            while offset < buffer.count {
                let written = posixWrite(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXFailure("write \(path)")
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw POSIXFailure("flush \(path)") }
    }
}
