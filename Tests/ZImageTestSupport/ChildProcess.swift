package import Foundation
import Subprocess
import SystemPackage

/// What a finished child process gave.
package struct ChildResult: Sendable {
    /// The exit code, or 128 + the signal's number when a signal ended it (as a shell reports it).
    package var status: Int32
    /// Everything it wrote to stdout.
    package var stdout: String
    /// Everything it wrote to stderr.
    package var stderr: String
}

/// A child process while it runs: its stdout line by line, and signals.
package struct RunningChild: ~Copyable {
    fileprivate var lines: SubprocessOutputSequence.StringSequence<UTF8>.AsyncIterator
    fileprivate let signal: (Int32) throws -> Void

    /// Reads stdout until a line containing `marker` (or the end), and returns every line read, joined by newlines.
    package mutating func read(until marker: String) async throws -> String {
        var text: [String] = []
        while let line = try await lines.next() {
            text.append(line)
            if line.contains(marker) { break }
        }
        return text.joined(separator: "\n")
    }

    /// Sends `signal` (SIGTERM, SIGINT, SIGKILL…) to the child.
    package func send(_ signal: Int32) throws {
        try self.signal(signal)
    }
}

/// The executable `name` (a path, or a name looked up on PATH) as swift-subprocess takes it.
private func executable(_ name: String) -> Executable {
    name.contains("/") ? .path(FilePath(name)) : .name(name)
}

/// Exactly `variables`, plus PATH from this process (so children find their tools).
private func environment(_ variables: [String: String]) -> Environment {
    var all = variables
    all["PATH"] = all["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return .custom(Dictionary(uniqueKeysWithValues: all.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
}

private func code(_ status: TerminationStatus) -> Int32 {
    switch status {
    case .exited(let code): Int32(code)
    case .signaled(let signal): 128 + Int32(signal)
    }
}

/// Runs a child to completion with exactly `variables` in its environment (plus PATH) and collects its output.
package func runChild(
    _ name: String, _ arguments: [String], environment variables: [String: String] = [:],
    in folder: URL? = nil
) async throws -> ChildResult {
    let result = try await Subprocess.run(
        executable(name), arguments: Arguments(arguments), environment: environment(variables),
        workingDirectory: folder.map { FilePath($0.path) }, output: .string(limit: 32 << 20),
        error: .string(limit: 32 << 20))
    return ChildResult(
        status: code(result.terminationStatus), stdout: result.standardOutput, stderr: result.standardError)
}

/// Starts a child with its stdout readable line by line, runs `body` while it lives, and returns what `body` returned
/// with the child's exit status. `body` must end the child (a signal, or what it asks of it) before returning: the
/// child is awaited then, never left behind as a zombie.
package func withChild<Result: Sendable>(
    _ name: String, _ arguments: [String], environment variables: [String: String] = [:],
    _ body: (inout RunningChild) async throws -> Result
) async throws -> (result: Result, status: Int32) {
    let outcome = try await Subprocess.run(
        Configuration(
            executable: executable(name), arguments: Arguments(arguments), environment: environment(variables)),
        input: .none, output: .sequence, error: .discarded
    ) { execution in
        var child = RunningChild(
            lines: execution.standardOutput.strings().makeAsyncIterator(),
            signal: { number in try execution.send(signal: Signal(rawValue: number)) })
        let value = try await body(&child)
        // Drain what is left, so the child never blocks on a full pipe while it exits.
        while try await child.lines.next() != nil {}
        return value
    }
    return (outcome.closureResult, code(outcome.terminationStatus))
}
