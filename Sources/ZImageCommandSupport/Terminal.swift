import Foundation

/// Writes a line to stderr, unbuffered.
package func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Writes a line to stdout, unbuffered.
package func printOutput(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Whether stdout and stderr are both terminals: only then is anything decorative printed.
package var isInteractive: Bool {
    isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1
}

/// A status line on stderr that shows what is being waited for and for how long, redrawn in place; silent unless enabled.
package final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var label = ""
    private var started = ContinuousClock.now
    private var ticker: Task<Void, Never>?

    package init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Shows `label` with a running clock until the next `show` or `finish`.
    package func show(_ label: String) {
        guard enabled else { return }
        lock.withLock {
            self.label = label
            started = .now
        }
        draw()
        if ticker == nil {
            ticker = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    self?.draw()
                }
            }
        }
    }

    /// Clears the line.
    package func finish() {
        guard enabled else { return }
        ticker?.cancel()
        ticker = nil
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    private func draw() {
        let (label, started) = lock.withLock { (self.label, self.started) }
        let seconds = Double(started.duration(to: .now) / .milliseconds(100)) / 10
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(label) \(String(format: "%.1f", seconds)) s".utf8))
    }
}
