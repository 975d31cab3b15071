import IssueReporting
import Testing

/// Where a harness report points: a Swift Testing test's source location (the trait), or the file and line of a
/// `withCassette` call (either framework).
enum ReportLocation: Sendable {
    /// A test's location, as Swift Testing gives it to a trait.
    case test(SourceLocation)
    /// A call's location, as `#fileID`, `#filePath`, `#line` and `#column` give it.
    case call(fileID: StaticString, filePath: StaticString, line: UInt, column: UInt)

    /// The source file's path, beside which the `Cassettes/` folder is.
    var filePath: String {
        switch self {
        case .test(let location): location.filePath
        case .call(_, let filePath, _, _): "\(filePath)"
        }
    }
}

/// The one way the harness reports: a miss, an unused interaction, a contract break, a refusal, a stale cassette.
///
/// Under Swift Testing a trait's report is an `Issue` at the test. Everything else goes through IssueReporting's
/// `reportIssue`, which reaches whichever framework runs the caller (an `Issue` under Swift Testing, an `XCTFail` under
/// XCTest) at the call's file and line, so an XCTest file imports only XCTest and ZImageTesting. A stale cassette is a
/// warning (Swift Testing's `.warning` severity), never a failure.
enum HarnessReport {
    /// How much a report counts.
    enum Severity: Sendable {
        /// Fails the test.
        case failure
        /// Shown; the test still passes.
        case warning
    }

    static func report(_ message: String, severity: Severity = .failure, at location: ReportLocation) {
        switch location {
        case .test(let sourceLocation):
            Issue.record(Comment(rawValue: message), severity: severity == .failure ? .error : .warning,
                         sourceLocation: sourceLocation)
        case .call(let fileID, let filePath, let line, let column):
            reportIssue(message, severity: severity == .failure ? .error : .warning, fileID: fileID, filePath: filePath,
                        line: line, column: column)
        }
    }
}
