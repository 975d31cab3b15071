package import Foundation
import Synchronization

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
package enum AtomicFile {
    /// Why a destination was refused: what is there.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        /// The destination that was refused.
        package var path: String
        /// What is wrong with it, as a phrase (`is a folder`).
        package var reason: String

        /// The failure in one sentence.
        package var description: String { "\(path) \(reason)" }
    }

    /// Writes `data` to `destination`, creating the parent folders.
    ///
    /// - Parameters:
    ///   - data: the whole content.
    ///   - destination: the file to write (its folders are created).
    ///   - root: when given, a folder above `destination` below which nothing may be a symbolic link.
    /// - Throws: ``Failure`` for a destination that may not be written, ``POSIXFailure`` for a failed system call.
    package static func write(_ data: Data, to destination: URL, confinedTo root: URL? = nil) throws {
        let writer = try Writer(to: destination, confinedTo: root)
        try data.withUnsafeBytes { try writer.write($0) }
        try writer.commit()
    }

    /// A file written in pieces (a download as it arrives) with the guarantees of ``write(_:to:confinedTo:)``: the
    /// pieces go to the part file, and only ``commit()`` puts the whole under the destination's name. A writer dropped
    /// or ``abandon()``ed without a commit removes its part file and leaves the destination as it was.
    /// Safe to share: its calls take turns.
    package final class Writer: Sendable {
        private let destination: String
        /// The part file, `nil` when writing in place (a device, a FIFO, a socket).
        private let part: String?
        private let descriptor: Int32
        /// Whether it was committed or abandoned, after which it writes nothing.
        private let finished = Mutex(false)

        /// Opens the part file beside `destination` (or the stream in place), creating the parent folders.
        ///
        /// - Throws: ``Failure`` for a destination that may not be written, ``POSIXFailure`` for a failed system call.
        package init(to destination: URL, confinedTo root: URL? = nil) throws {
            let path = destination.path
            self.destination = path
            let directory = destination.deletingLastPathComponent()
            if let root { try AtomicFile.checkConfined(directory, under: root) }
            var inPlace = false
            switch FileKind.of(path) {
            case .missing, .regular:
                break
            case .stream:
                inPlace = true
            case .symbolicLink where root == nil:
                inPlace = FileKind.resolving(path) == .stream
            case .symbolicLink:
                throw Failure(path: path, reason: "is a symbolic link, which is not followed here")
            case .directory:
                throw Failure(path: path, reason: "is a folder")
            case .other:
                throw Failure(path: path, reason: "is neither a regular file nor a stream (a block device?)")
            }
            if inPlace {
                part = nil
                let descriptor = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
                guard descriptor >= 0 else { throw POSIXFailure("open \(path)") }
                self.descriptor = descriptor
                return
            }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if let root { try AtomicFile.checkConfined(directory, under: root) }
            AtomicFile.removeAbandonedParts(of: destination)
            let suffix = String(UInt32.random(in: .min ... .max), radix: 16)
            let part = directory.appendingPathComponent(".\(destination.lastPathComponent).\(getpid())-\(suffix).part")
                .path
            self.part = part
            let descriptor = open(part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw POSIXFailure("create \(part)") }
            self.descriptor = descriptor
        }

        /// Appends `bytes`; on a failure the part file is removed.
        package func write(_ bytes: UnsafeRawBufferPointer) throws {
            let failure: (any Error)? = finished.withLock { finished in
                guard !finished else { return Failure(path: destination, reason: "was already committed or abandoned") }
                do {
                    try AtomicFile.writeAll(bytes, to: descriptor, path: part ?? destination)
                    return nil
                } catch {
                    return error
                }
            }
            if let failure {
                abandon()
                throw failure
            }
        }

        /// Flushes the part file to disk and renames it over the destination (a stream is only closed).
        package func commit() throws {
            guard
                finished.withLock({ finished in
                    defer { finished = true }
                    return !finished
                })
            else {
                throw Failure(path: destination, reason: "was already committed or abandoned")
            }
            defer { close(descriptor) }
            guard let part else { return }
            guard fsync(descriptor) == 0 else {
                let failure = POSIXFailure("flush \(part)")
                unlink(part)
                throw failure
            }
            guard rename(part, destination) == 0 else {
                let failure = POSIXFailure("rename to \(destination)")
                unlink(part)
                throw failure
            }
        }

        /// Removes the part file; the destination is left as it was.
        package func abandon() {
            guard
                finished.withLock({ finished in
                    defer { finished = true }
                    return !finished
                })
            else { return }
            close(descriptor)
            if let part { unlink(part) }
        }

        deinit {
            abandon()
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
            case .symbolicLink:
                throw Failure(path: current.path, reason: "is a symbolic link, which is not followed here")
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

    /// Writes all of `buffer` to `descriptor`, retrying after a signal.
    static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws {
        guard let base = buffer.baseAddress else { return }  // empty: nothing to write
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
