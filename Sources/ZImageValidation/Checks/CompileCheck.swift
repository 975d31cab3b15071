import Foundation

/// Builds every target, tests included, and keeps the compiler's log.
struct CompileCheck {
    let packageDirectory: String
    let log: URL

    func run() -> Check {
        let started = ContinuousClock.now
        guard FileManager.default.fileExists(atPath: packageDirectory + "/Package.swift") else {
            return Check(
                .compile, status: .failed, detail: "no Package.swift in \(packageDirectory) (use --package-dir)")
        }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "build", "--build-tests", "--package-path", packageDirectory]
        do {
            let handle = try FileHandle(forWritingTo: log)
            defer { try? handle.close() }
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            process.waitUntilExit()
        } catch {
            return Check(.compile, status: .failed, detail: "could not run swift build: \(error)")
        }
        let milliseconds = Int(started.duration(to: .now) / .milliseconds(1))
        let passed = process.terminationStatus == 0
        return Check(
            .compile, status: passed ? .passed : .failed,
            detail: passed
                ? "swift build --build-tests succeeded; log in build.log"
                : "swift build --build-tests exited \(process.terminationStatus); see build.log",
            durationMilliseconds: milliseconds)
    }
}
