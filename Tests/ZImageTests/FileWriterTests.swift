import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The one writer every output goes through: what is at the destination decides what it does, and nothing is ever
/// replaced that is not a regular file, nor written through a link where links are not followed.
@Suite("The file writer: devices written in place, links not followed, nothing half-written", .timeLimit(.minutes(1)))
struct FileWriterTests {
    @Test("a regular file is replaced atomically and no part file is left")
    func regular() async throws {
        try await withTemporaryDirectory("writer") { folder in
            let file = folder.appendingPathComponent("out.png")
            try Data("old".utf8).write(to: file)
            try AtomicFile.write(Data("new".utf8), to: file)
            #expect(try String(contentsOf: file, encoding: .utf8) == "new")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.png"])
        }
    }

    @Test("a character device is written in place, never replaced (a node of our own for /dev/null, made with mknod)")
    func characterDevice() async throws {
        try await withTemporaryDirectory("writer") { folder in
            let node = folder.appendingPathComponent("null")
            // makedev(1, 3), the null device, is (1 << 8) | 3 in glibc's encoding of small numbers.
            guard mknod(node.path, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 else {
                // mknod needs CAP_MKNOD (root, outside a restricted container): without it there is no device to write.
                withKnownIssue(
                    "mknod is not permitted here (\(String(cString: strerror(errno)))), so no device can be made"
                ) {
                    Issue.record("skipped")
                }
                return
            }
            try AtomicFile.write(Data(repeating: 7, count: 4096), to: node)
            #expect(FileKind.of(node.path) == .stream, "the device was replaced by a file")
            let link = folder.appendingPathComponent("stdout-like")
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: node)
            try AtomicFile.write(Data("x".utf8), to: link)
            #expect(FileKind.of(link.path) == .symbolicLink && FileKind.resolving(link.path) == .stream)
        }
    }

    @Test("a FIFO is written in place: the reader gets every byte and the FIFO is still there")
    func fifo() async throws {
        try await withTemporaryDirectory("writer") { folder in
            let fifo = folder.appendingPathComponent("pipe")
            #expect(mkfifo(fifo.path, 0o644) == 0)
            let reader = Task.detached { () -> Data in
                let handle = try FileHandle(forReadingFrom: fifo)
                defer { try? handle.close() }
                return try handle.readToEnd() ?? Data()
            }
            let payload = Data((0..<100_000).map { UInt8($0 % 251) })
            try AtomicFile.write(payload, to: fifo)
            #expect(try await reader.value == payload)
            #expect(FileKind.of(fifo.path) == .stream)
        }
    }

    @Test("a link to a regular file is replaced as a link: its target is never written")
    func linkToFile() async throws {
        try await withTemporaryDirectory("writer") { folder in
            let target = folder.appendingPathComponent("precious")
            try Data("keep".utf8).write(to: target)
            let link = folder.appendingPathComponent("out.png")
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
            try AtomicFile.write(Data("new".utf8), to: link)
            #expect(try String(contentsOf: target, encoding: .utf8) == "keep")
            #expect(try FileKind.of(link.path) == .regular && String(contentsOf: link, encoding: .utf8) == "new")
        }
    }

    @Test(
        "a folder is refused, naming it; under a confined root, a linked folder or file is refused and nothing is written"
    )
    func refusals() async throws {
        try await withTemporaryDirectory("writer") { folder in
            let error = try #require(throws: AtomicFile.Failure.self) { try AtomicFile.write(Data(), to: folder) }
            #expect(error.description == "\(folder.path) is a folder")

            let outside = folder.appendingPathComponent("outside")
            let root = folder.appendingPathComponent("cassettes")
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                at: root.appendingPathComponent("bodies"), withDestinationURL: outside)
            let linked = try #require(throws: AtomicFile.Failure.self) {
                try AtomicFile.write(Data("x".utf8), to: root.appendingPathComponent("bodies/a.png"), confinedTo: root)
            }
            #expect(linked.reason.contains("symbolic link"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        }
    }

    @Test("a part file left by a killed writer is removed by the next write; a live writer's is left alone")
    func abandonedParts() async throws {
        try await withTemporaryDirectory("writer") { folder in
            let dead = try await runChild("/bin/sh", ["-c", "echo $$"]).stdout.trimmingCharacters(
                in: .whitespacesAndNewlines)
            let abandoned = folder.appendingPathComponent(".out.json.\(dead)-1a2b.part")
            let live = folder.appendingPathComponent(".out.json.\(getpid())-3c4d.part")
            try Data("half".utf8).write(to: abandoned)
            try Data("busy".utf8).write(to: live)
            try AtomicFile.write(Data("{}".utf8), to: folder.appendingPathComponent("out.json"))
            #expect(!FileManager.default.fileExists(atPath: abandoned.path))
            #expect(FileManager.default.fileExists(atPath: live.path))
        }
    }
}

@Suite("Evidence lines: all or nothing, the real reason, no link followed", .timeLimit(.minutes(1)))
struct EvidenceAppendTests {
    @Test("a log that is a symbolic link is refused, saying so, and its target is untouched")
    func linkedLog() async throws {
        try await withTemporaryDirectory("evidence") { folder in
            let target = folder.appendingPathComponent("elsewhere")
            try Data().write(to: target)
            let log = folder.appendingPathComponent("generations.jsonl")
            try FileManager.default.createSymbolicLink(at: log, withDestinationURL: target)
            let error = try #require(throws: POSIXFailure.self) {
                try AppendOnlyFile.append(Data("{}\n".utf8), to: log.path)
            }
            #expect(error.description.contains("symbolic link"))
            #expect(try Data(contentsOf: target).isEmpty)
        }
    }

    @Test(
        "on a full disk (a 64 KiB tmpfs) a line is not torn: the file is cut back, the error says ENOSPC, the next line is whole"
    )
    func fullDisk() async throws {
        try await withTemporaryDirectory("evidence") { folder in
            let mountPoint = folder.appendingPathComponent("small")
            try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
            let mounted = try await runChild("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint.path])
            guard mounted.status == 0 else {
                // Mounting needs CAP_SYS_ADMIN (root outside a restricted container).
                withKnownIssue("mounting a tmpfs is not permitted here: \(mounted.stderr)") { Issue.record("skipped") }
                return
            }
            let detach: Int32 = 2  // MNT_DETACH
            defer { _ = umount2(mountPoint.path, detach) }
            let log = mountPoint.appendingPathComponent("generations.jsonl")
            // The log ends 100 bytes short of a page; a filler takes every other page, so the next line fits only in part.
            let first = Data((String(repeating: "a", count: 4096 - 101) + "\n").utf8)
            try AppendOnlyFile.append(first, to: log.path)
            let filler = mountPoint.appendingPathComponent("filler")
            #expect(FileManager.default.createFile(atPath: filler.path, contents: nil))
            let handle = try FileHandle(forWritingTo: filler)
            while (try? handle.write(contentsOf: Data(repeating: 0, count: 4096))) != nil {}
            try handle.close()

            let line = Data((#"{"request_id":"r-2","padding":""# + String(repeating: "b", count: 300) + "\"}\n").utf8)
            let error = try #require(throws: POSIXFailure.self) { try AppendOnlyFile.append(line, to: log.path) }
            #expect(error.description.contains("No space left on device"), "\(error)")
            #expect(try Data(contentsOf: log) == first, "a torn line was left behind")

            try FileManager.default.removeItem(at: filler)
            try AppendOnlyFile.append(line, to: log.path)
            #expect(try Data(contentsOf: log) == first + line)
        }
    }
}
