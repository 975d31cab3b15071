package import Foundation
import Synchronization
import ZImage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a line to stderr, unbuffered, each of its lines through ``UntrustedText/guardedLine(_:)``.
package func printError(_ line: String) {
    _ = StandardStream.error.write(guarded(line))
}

/// Writes a line to stdout, unbuffered, each of its lines through ``UntrustedText/guardedLine(_:)``; a failed write
/// (a full disk, a closed pipe) ends the process with exit code 1 and says so on stderr.
package func printOutput(_ line: String) {
    writeOutput(Data(guarded(line).utf8))
}

/// Writes a GitHub Actions workflow command (`::error file=…::…`) to stdout as it is: only the tool's own annotations,
/// whose untrusted parts are already encoded, go this way.
package func printWorkflowCommand(_ line: String) {
    writeOutput(Data((line + "\n").utf8))
}

/// Writes bytes to stdout (an image, a HAR document); a failed write ends the process with exit code 1.
package func writeOutput(_ data: Data) {
    if let failure = StandardStream.output.write(data) {
        _ = StandardStream.error.write("zimage: could not write to standard output: \(failure)\n")
        exit(1)
    }
}

private func guarded(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(UntrustedText.guardedLine).joined(separator: "\n")
        + "\n"
}

/// stdout or stderr, written with `write(2)` so that a failure is seen (Foundation's `FileHandle.write` traps on one).
enum StandardStream {
    case output, error

    /// Writes all of `data`; the reason when it could not (`No space left on device`), `nil` on success.
    @discardableResult
    package func write(_ data: Data) -> String? {
        let descriptor = self == .output ? STDOUT_FILENO : STDERR_FILENO
        return data.withUnsafeBytes { buffer -> String? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let written = posixWrite(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            return nil
        }
    }

    /// Writes `text` as UTF-8.
    @discardableResult
    package func write(_ text: String) -> String? {
        write(Data(text.utf8))
    }
}

/// Whether stdout and stderr are both terminals: only then is anything decorative printed.
package var isInteractive: Bool {
    isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1
}

/// A status line on stderr that shows what is being waited for and for how long, redrawn in place; silent unless enabled.
///
/// Its state (the label, when it was shown, the redrawing task) lives in one `Mutex`, so `show` and `finish` may be called
/// from any task.
package final class ProgressLine: Sendable {
    private struct State {
        var label = ""
        var started = ContinuousClock.now
        var ticker: Task<Void, Never>?
    }

    private let enabled: Bool
    private let state = Mutex(State())

    package init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Shows `label` with a running clock until the next `show` or `finish`.
    package func show(_ label: String) {
        guard enabled else { return }
        state.withLock { state in
            state.label = label
            state.started = .now
            if state.ticker == nil {
                state.ticker = Task { [weak self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(250))
                        self?.draw()
                    }
                }
            }
        }
        draw()
    }

    /// Clears the line.
    package func finish() {
        guard enabled else { return }
        let ticker = state.withLock { state in
            defer { state.ticker = nil }
            return state.ticker
        }
        ticker?.cancel()
        StandardStream.error.write("\r\u{1B}[2K")
    }

    private func draw() {
        let (label, started) = state.withLock { ($0.label, $0.started) }
        let seconds = Double(started.duration(to: .now) / .milliseconds(100)) / 10
        StandardStream.error.write("\r\u{1B}[2K\(UntrustedText.escaped(label)) \(String(format: "%.1f", seconds)) s")
    }
}
