/// A way a recorded interaction breaks the contract of the API it was recorded from.
package struct ContractViolation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The interaction's position in the cassette (0-based), or `nil` for the cassette as a whole.
    package var interaction: Int?
    /// What is wrong.
    package var problem: String

    /// Creates a violation.
    package init(interaction: Int?, problem: String) {
        self.interaction = interaction
        self.problem = problem
    }

    /// `interaction #N: problem`, or the problem alone for the cassette as a whole.
    package var description: String { interaction.map { "interaction #\($0): \(problem)" } ?? problem }
}

/// Checks a whole cassette against an API's contract. The cassette layer knows no API: whoever does (the contract suite)
/// gives it this check, which recorders run before they report a recording done and the linter runs on every file.
package typealias CassetteContract = @Sendable (Cassette) -> [ContractViolation]
