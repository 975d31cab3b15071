package import ArgumentParser
import Foundation

extension AsyncParsableCommand {
    /// Parses the arguments and runs the command; an argument error exits 2 (invalid input) with ArgumentParser's message,
    /// as every other invalid input does, instead of ArgumentParser's own 64. Shared by `zimage` and `validate`, whose
    /// exit codes the README documents as one table.
    package static func runExitingTwoOnInvalidInput() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
