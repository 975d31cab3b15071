package import ArgumentParser
import Foundation
import ZImage
import ZImageCassettes

extension AsyncParsableCommand {
    /// Parses the arguments and runs the command, ending the process with the exit code docs/COMMAND-LINE.md's table
    /// gives: the one mapping from errors to exit codes that `zimage` and `validate` share (``ExitStatus``). An error a command throws
    /// is printed as `<tool>: <sentence>` on stderr (each line escaped and defused); an argument error exits 2 with
    /// ArgumentParser's message, instead of ArgumentParser's own 64; an `ExitCode` a command throws is its exit code.
    package static func runExitingTwoOnInvalidInput(_ arguments: [String]? = nil) async {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ExitCode {
            exit(withError: error)
        } catch {
            // ArgumentParser's own outcomes (help, --version, a usage error) are told apart by the code it gives them;
            // every error of ours it would call a plain failure.
            switch exitCode(for: error) {
            case .validationFailure:
                printError(fullMessage(for: error))
                Foundation.exit(2)
            case .failure:
                printError("\(configuration.commandName ?? "zimage"): \(error)")
                Foundation.exit(ExitStatus.code(for: error))
            default:
                exit(withError: error)
            }
        }
    }
}

/// The exit codes of both executables: 0 success; 1 a failure of the API, the network, a download, a check or a write;
/// 2 invalid input (arguments, a request, a cassette, recording refused); a recording kept
/// because it was not whole is 1; 3 no credentials.
package enum ExitStatus {
    /// The exit code for an error a command threw.
    package static func code(for error: any Error) -> Int32 {
        switch error {
        case let error as ZImageError: error.exitCode
        // A recording that was not whole (its cassette kept as it was) failed like the exchange that broke it.
        case let error as CassetteError where error.code == .recordingKept: 1
        case is CassetteError, is ValidationError: 2
        default: 1
        }
    }
}
