import Foundation
import Testing
import ZImage

@Suite("zimage serve: prints what it serves, answers, and stops cleanly on a signal", .timeLimit(.minutes(1)))
struct ServeCommandTests {
    /// Starts `zimage serve ARGUMENTS` with stdout on a pipe; returns its pid and the pipe's read end.
    func start(_ arguments: [String]) throws -> (pid_t, Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.EIO) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        let path = productsFolder.appendingPathComponent("zimage").path
        let argv = ([path, "serve"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { throw POSIXError(.ENOEXEC) }
        close(fds[1])
        return (pid, fds[0])
    }

    /// Reads from `descriptor` until `marker` appears or the stream ends (blocking: run off the cooperative pool).
    func read(_ descriptor: Int32, until marker: String) -> String {
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !text.contains(marker) {
            let count = Foundation.read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            text += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return text
    }

    func offPool<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    @Test("--simulate on port 0 prints its base URL, serves the models list, and exits 0 on SIGTERM and on SIGINT",
          arguments: [SIGTERM, SIGINT])
    func stopsOnSignal(_ signal: Int32) async throws {
        // A key that is not a test key is accepted but never printed (test keys are, so a newcomer knows what to use).
        let secret = "local-secret-7f3a9c1e55"
        let (pid, output) = try start(["--simulate", "--port", "0", "--accept-key", secret])
        defer { close(output) }
        let banner = await offPool { read(output, until: "Press Ctrl-C") }
        let base = try #require(banner.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        #expect(banner.contains("generation endpoint: \(base)/api/v1/services/aigc/multimodal-generation/generation"))
        #expect(banner.contains("accepted keys:       1 (given with --accept-key)") && !banner.contains(secret))

        let probe = try await run("zimage", ["probe", "--region", "beijing", "--base-url", base, "--json"],
                                  environment: ["DASHSCOPE_API_KEY": secret, "HOME": "/nonexistent"])
        #expect(probe.status == 0 && probe.stdout.contains("\"outcome\" : \"ok\""))

        kill(pid, signal)
        let farewell = await offPool { read(output, until: "stopping after") }
        let status = await offPool { () -> Int32 in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return status
        }
        #expect(farewell.contains("Received \(signal == SIGTERM ? "SIGTERM" : "SIGINT"), stopping after 1 requests"))
        #expect(status == 0, "exit status \(status)")
    }
}
