package import ZImageCassettes
import ZImageContract

extension ContractChecker {
    /// The check `zimage cassettes check` runs on each cassette: ``check(_:)``, and its scenario, when it has one, read as
    /// `validate` reads it. A cassette without a scenario (one an app's test suite recorded) gets every check that does
    /// not need one; `validate` is what insists that a contract cassette has its expected outcome.
    package static let contractCassette: CassetteContract = { cassette in
        var violations = check(cassette)
        do {
            _ = try Scenario(of: cassette)
        } catch {
            violations.append(ContractViolation(interaction: nil, problem: "\(error)"))
        }
        return violations
    }
}
