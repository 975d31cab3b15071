import Foundation
import IssueReportingTestSupport
import Testing

/// Where a harness report points: a Swift Testing test's source location (the trait), or the file and line of a
/// `withCassette` call (either framework).
enum ReportLocation: Sendable {
    /// A test's location, as Swift Testing gives it to a trait.
    case test(SourceLocation)
    /// A call's location, as `#fileID`, `#filePath`, `#line` and `#column` give it.
    case call(fileID: StaticString, filePath: StaticString, line: UInt, column: UInt)
}

/// The one way the harness reports: a miss, an unused interaction, a contract break, a refusal, a stale cassette.
///
/// Whichever framework runs the caller gets the report as its own kind of failure, at the trait's test or the
/// `withCassette` call: under Swift Testing (`Test.current` is set) an `Issue`, under XCTest an `XCTFail` through
/// IssueReportingTestSupport (pointfreeco's xctest-dynamic-overlay), which links XCTest so that this library need not,
/// and an XCTest file imports only XCTest and ZImageTesting. IssueReporting's own `reportIssue` does the same choice,
/// but on Linux it appends to every XCTest failure a paragraph saying the issue "was emitted from tests running in a
/// host application" (it looks for XCTest frames by Darwin's module names): a false alarm in every user's log, so the
/// choice is made here. A stale cassette is a warning (Swift Testing's `.warning` severity; XCTest has none, and it
/// goes to stderr), never a failure.
enum HarnessReport {
    /// How much a report counts.
    enum Severity: Sendable {
        /// Fails the test.
        case failure
        /// Shown; the test still passes.
        case warning
    }

    static func report(_ message: String, severity: Severity = .failure, at location: ReportLocation) {
        let sourceLocation =
            switch location {
            case .test(let sourceLocation): sourceLocation
            case .call(let fileID, let filePath, let line, let column):
                SourceLocation(fileID: "\(fileID)", filePath: "\(filePath)", line: Int(line), column: Int(column))
            }
        if Test.current != nil {
            Issue.record(
                Comment(rawValue: message), severity: severity == .failure ? .error : .warning,
                sourceLocation: sourceLocation)
            return
        }
        guard severity == .failure, case .call(_, let filePath, let line, _) = location,
            let fail = _XCTFail() as? @Sendable (String, StaticString, UInt) -> Void
        else {
            // A failed write to stderr has nowhere left to be reported; FileHandle.write(_:) would trap on it.
            let line = "\(sourceLocation.filePath):\(sourceLocation.line): warning: \(message)\n"
            try? FileHandle.standardError.write(contentsOf: Data(line.utf8))
            return
        }
        fail(message, filePath, line)
    }

    /// Reports an error the harness is about to throw, at `location`, when XCTest runs the caller: XCTest shows a thrown
    /// error at `<EXPR>:0`, while Swift Testing records it at the test already.
    static func reportUnderXCTest(_ message: String, at location: ReportLocation) {
        guard Test.current == nil else { return }
        report(message, at: location)
    }
}
