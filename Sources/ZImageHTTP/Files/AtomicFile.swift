public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way this package writes a file: an image, a cassette and its bodies, evidence, a report, a HAR document.
///
/// What it does depends on what is at the destination, seen without following a symbolic link:
/// - nothing, or a regular file: the bytes go to `.<name>.<pid>-<random>.part` beside it, are flushed to disk, and the part
///   file is renamed over the destination (an atomic replace on POSIX), so the final name only ever holds the old content
///   or the complete new content. On any failure the part file is removed and the destination is untouched;
/// - a symbolic link: the link itself is replaced, its target never written, unless it leads to a device, FIFO or
///   socket (`/dev/stdout`), which is written in place;
/// - a character device, a FIFO or a socket (`/dev/null`, a pipe, a terminal): written in place, never replaced;
/// - a folder or anything else: refused (``AtomicFile/Failure``), nothing written.
///
/// A part file left by a process that was killed mid-write is removed by the next write to the same destination (its
/// name carries the writer's process id, so a live writer's part file is never touched). With `confinedTo`, every folder
/// from that root down to the destination must be a real folder, not a symbolic link, and the destination a regular
/// file or nothing: a cassette from a pull request cannot make a recording write outside the repository.
public enum AtomicFile {
    /// Why a destination was refused: what is there.
    struct Failure: Error, Sendable, CustomStringConvertible {
        /// The destination.
        public var path: String
        /// What is wrong with it, as a phrase (`is a folder`).
        public var reason: String

        /// The failure in one sentence.
        public var description: String { "\(path) \(reason)" }
    }

    /// Writes `data` to `destination`, creating the parent folders.
    ///
    /// - Parameter root: when given, a folder above `destination` below which nothing may be a symbolic link.
    /// - Throws: ``Failure`` for a destination that may not be written, ``POSIXFailure`` for a failed system call.
    public static func write(_ data: Data, to destination: URL, confinedTo root: URL? = nil) throws {
        let path = destination.path
        let directory = destination.deletingLastPathComponent()
        if let root { try checkConfined(directory, under: root) }
        switch FileKind.of(path) {
        case .missing, .regular:
            break
        case .stream:
            return try writeInPlace(data, to: path)
        case .symbolicLink where root == nil:
            if FileKind.resolving(path) == .stream { return try writeInPlace(data, to: path) }
        case .symbolicLink:
            throw Failure(path: path, reason: "is a symbolic link, which is not followed here")
        case .directory:
            throw Failure(path: path, reason: "is a folder")
        case .other:
            throw Failure(path: path, reason: "is neither a regular file nor a stream (a block device?)")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let root { try checkConfined(directory, under: root) }
        removeAbandonedParts(of: destination)
        let suffix = String(UInt32.random(in: .min ... .max), radix: 16)
        let part = directory.appendingPathComponent(".\(destination.lastPathComponent).\(getpid())-\(suffix).part")
        do {
            try writeAndSync(data, to: part.path)
            guard rename(part.path, path) == 0 else { throw POSIXFailure("rename to \(path)") }
        } catch {
            unlink(part.path)
            throw error
        }
    }

    /// Refuses when a folder from `root` down to `directory` is a symbolic link or not a folder (missing ones are fine:
    /// they are created).
    private static func checkConfined(_ directory: URL, under root: URL) throws {
        let rootComponents = root.standardizedFileURL.pathComponents
        let components = directory.standardizedFileURL.pathComponents
        guard components.starts(with: rootComponents) else {
            throw Failure(path: directory.path, reason: "is outside \(root.path)")
        }
        var current = root.standardizedFileURL
        for component in components.dropFirst(rootComponents.count) {
            current.appendPathComponent(component)
            switch FileKind.of(current.path) {
            case .directory, .missing: continue
            case .symbolicLink: throw Failure(path: current.path, reason: "is a symbolic link, which is not followed here")
            default: throw Failure(path: current.path, reason: "is not a folder")
            }
        }
    }

    /// Removes the part files of `destination` that a process no longer alive left behind.
    private static func removeAbandonedParts(of destination: URL) {
        let prefix = ".\(destination.lastPathComponent)."
        let directory = destination.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".part") {
            let tag = name.dropFirst(prefix.count).dropLast(".part".count)
            guard let dash = tag.firstIndex(of: "-"), let pid = pid_t(tag[..<dash]), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink(directory.appendingPathComponent(name).path)
            }
        }
    }

    /// Writes to an existing device, FIFO or socket without creating, truncating or replacing it.
    private static func writeInPlace(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXFailure("open \(path)") }
        defer { close(descriptor) }
        try writeAll(data, to: descriptor, path: path)
    }

    private static func writeAndSync(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXFailure("create \(path)") }
        defer { close(descriptor) }
        try writeAll(data, to: descriptor, path: path)
        guard fsync(descriptor) == 0 else { throw POSIXFailure("flush \(path)") }
    }

    /// Writes all of `data` to `descriptor`, retrying after a signal.
    static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
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
    }
}
