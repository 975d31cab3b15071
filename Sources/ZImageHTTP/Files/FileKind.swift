package import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What is at a path, seen without following a symbolic link (`lstat`): what the file writer and the cassette reader
/// decide by before they touch anything.
package enum FileKind: Sendable, Hashable {
    /// Nothing is there.
    case missing
    /// A regular file.
    case regular
    /// A folder.
    case directory
    /// A symbolic link (to anything, or to nothing).
    case symbolicLink
    /// A character device (`/dev/null`, a terminal), a FIFO or a socket: written in place, never replaced.
    case stream
    /// Anything else (a block device).
    case other

    /// What is at `path`, a symbolic link reported as one.
    package static func of(_ path: String) -> FileKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        return kind(info.st_mode)
    }

    /// What `path` leads to, following symbolic links.
    package static func resolving(_ path: String) -> FileKind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return kind(info.st_mode)
    }

    private static func kind(_ mode: mode_t) -> FileKind {
        switch mode & S_IFMT {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFLNK: .symbolicLink
        case S_IFCHR, S_IFIFO, S_IFSOCK: .stream
        default: .other
        }
    }

    /// The bytes of the regular file at `path`, opened without following a symbolic link in its last component.
    ///
    /// - Throws: ``POSIXFailure`` when it cannot be opened or read, or is not a regular file.
    package static func readRegularFile(_ path: String) throws -> Data {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXFailure("open \(path)") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw POSIXFailure("stat \(path)") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw POSIXFailure(operation: "read \(path)", reason: "not a regular file")
        }
        var data = Data(capacity: Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw POSIXFailure("read \(path)")
            }
            if count == 0 { return data }
            data.append(contentsOf: chunk[0..<count])
        }
    }
}
