// What `validate --offline --junit output/junit.xml` runs, as a library call: typed checks, evidence, a JUnit report.
import Foundation
import ZImage
import ZImageCurl
import ZImageValidation

// snippet.run
let options = Validation.Options(
    mode: .offline, packageDirectory: nil, cassettes: URL(fileURLWithPath: "cassettes"),
    locations: OutputLocations(), junit: URL(fileURLWithPath: "output/junit.xml"))
let outcome = try await Validation.run(
    options, transport: try CurlTransport(),
    output: .init(line: { print($0) }, workflowCommand: { print($0) }))
for check in outcome.checks where check.status == .failed {
    for failure in check.cases where !failure.passed {
        print(check.kind, check.region.map(\.rawValue) ?? "-", failure.file ?? "", failure.line ?? 0, failure.detail)
    }
}
print(outcome.closingLine)  // validate: N passed, N failed, N skipped
// snippet.end
