import Foundation
import ZImageHTTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A cassette file that several recorders may write at once (parallel tests in one process, parallel test runners, CI
/// jobs sharing a checkout, two terminals): each write takes an advisory `flock` on the cassette's folder, reads what
/// others wrote meanwhile, merges, and writes atomically, so nothing another recorder wrote is lost.
///
/// The lock is on the folder itself, opened without following a symbolic link, so no lock file is ever left beside the
/// cassettes and none can be a link that writes elsewhere; `flock` locks of two descriptors exclude each other within one
/// process too, so two recorders of one test run wait for each other as two processes do. A killed process's lock is
/// released by the kernel. The file is read again only when someone else changed it since this recorder's last write.
struct SharedCassetteFile: Sendable {
    /// The cassette file.
    let url: URL
    /// How long a write waits for the lock before it gives up with an error.
    let lockTimeout: Duration

    /// What identifies a version of the file: a write by anyone else changes it.
    struct Stamp: Sendable, Equatable {
        var device: UInt64, inode: UInt64, size: Int64, seconds: Int, nanoseconds: Int
    }

    /// What this process last wrote: the file's stamp then, and its interactions.
    struct LastWrite: Sendable {
        var stamp: Stamp
        var interactions: [JSONValue]
    }

    /// What one write changes in the interactions on disk.
    struct Change: Sendable {
        /// Left out of what the file holds (each one once), subject to ``removesOnlyIfFileIs``.
        var removing: [JSONValue] = []
        /// The interactions the file held when an update run began: those of them that no recorder of this process
        /// has used by the time of the write (decided under the lock, so never after another recorder put one back)
        /// are left out too.
        var droppingUnusedOf: [JSONValue] = []
        /// When set, ``removing`` applies only while the file still holds these bytes (`nil`: no file): once another
        /// recorder has written (another test recording into the same cassette in this run), a fresh recording adds
        /// what it recorded and removes nothing, so no recorder ever removes what another just wrote.
        var removesOnlyIfFileIs: Data?? = .none
        /// Put back at the end when the file no longer holds them (each one once): what an update recorder used that
        /// another recorder of the file, unaware of it, left out.
        var restoring: [JSONValue] = []
        /// Appended.
        var adding: [JSONValue]
    }

    /// Writes `metadata` with the interactions on disk changed by `change`, under the lock.
    ///
    /// - Returns: what the write did, and what this process now knows the file to hold.
    /// - Throws: ``CassetteError``: the lock could not be had in time, the file on disk is not a cassette, a secret
    ///   would be written.
    func write(
        _ metadata: Cassette, _ change: Change, sidecars: [(String, Data)], secrets: [String],
        volatileQueryParameters: Set<String> = [], baseline: CassetteFile.Baseline, last: LastWrite?
    ) throws
        -> (CassetteFile.WriteOutcome, LastWrite?)
    {
        try withLock {
            var interactions: [JSONValue]
            if let last, Self.stamp(of: url) == last.stamp {
                interactions = last.interactions
            } else {
                interactions = try onDisk()
            }
            let removes: Bool
            switch change.removesOnlyIfFileIs {
            case .none: removes = true
            case .some(let bytes): removes = FileManager.default.contents(atPath: url.path) == bytes
            }
            if removes {
                for old in change.removing + UpdateLedger.unused(of: change.droppingUnusedOf, in: url) {
                    if let position = interactions.firstIndex(of: old) { interactions.remove(at: position) }
                }
            }
            var present = interactions
            for used in change.restoring {
                if let position = present.firstIndex(of: used) {
                    present.remove(at: position)
                } else {
                    interactions.append(used)
                }
            }
            interactions += change.adding
            let outcome = try CassetteFile.write(
                CassetteFile.document(metadata, interactions), sidecars: sidecars, to: url,
                secrets: secrets, baseline: baseline, volatileQueryParameters: volatileQueryParameters)
            return (outcome, Self.stamp(of: url).map { LastWrite(stamp: $0, interactions: interactions) })
        }
    }

    /// The stored interactions of the file now; none when there is no file.
    private func onDisk() throws -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        guard case .object(let root)? = try? CanonicalJSON.parse(data),
            case .array(let interactions)? = root["interactions"]
        else {
            throw CassetteError.unreadable(
                path: url.path, reason: "another process left something that is not a cassette")
        }
        return interactions
    }

    /// Runs `body` holding the lock on the cassette's folder, waiting for it at most ``lockTimeout``.
    private func withLock<Result>(_ body: () throws -> Result) throws -> Result {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CassetteError.unreadable(
                path: url.path, reason: "its folder cannot be opened to lock it (\(POSIXFailure("open").description))")
        }
        defer { close(descriptor) }  // closing releases the lock
        let deadline = ContinuousClock.now + lockTimeout
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else {
                throw CassetteError.lockTimeout(path: url.path, lock: folder.path, waited: lockTimeout)
            }
            usleep(2_000)
        }
        return try body()
    }

    /// The stamp of the file at `url`, or `nil` when there is none.
    static func stamp(of url: URL) -> Stamp? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        #if canImport(Darwin)
            let time = info.st_mtimespec
        #else
            let time = info.st_mtim
        #endif
        return Stamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            seconds: Int(time.tv_sec), nanoseconds: Int(time.tv_nsec))
    }
}
