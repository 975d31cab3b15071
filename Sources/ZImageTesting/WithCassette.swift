public import Foundation
public import ZImage
public import ZImageCassettes

/// Runs `body` with a ``ZImage/ZImageClient`` on the cassette `name`, for XCTest and for anyone who prefers a closure:
/// the same files, modes and reports as `@Test(.cassette(name))`. An XCTest file needs only `import XCTest` and
/// `import ZImageTesting`.
///
/// The record mode is `mode`, else `ZIMAGE_RECORD_MODE`, else `none`:
/// - `none` (the default): replays; a request the cassette cannot answer is a failure;
/// - `once`: records when the cassette does not exist, else replays;
/// - `new-episodes`: replays what matches, records and appends the rest;
/// - `update`: as new-episodes, and drops what no test of the run used (what every miss report recommends);
/// - `all`: records everything afresh.
/// With `CI=true`, every mode that would record is refused unless `ZIMAGE_ALLOW_RECORDING=1`. A recording is written
/// when the body returns, and only if it is whole: every exchange completed, the body did not throw, the contract kept;
/// otherwise the old cassette stays byte for byte.
///
/// What fails the running test at this call (an `XCTFail` under XCTest, an `Issue` under Swift Testing) without being
/// thrown: a request the cassette had no answer for, even one the code under test caught; a recorded interaction the
/// body never requested (unless `allowUnused`); a cassette kept because its recording was not whole.
///
/// - Parameters:
///   - name: the cassette's file name without `.json` (may contain `/`), in `Cassettes/` beside the calling file.
///   - mode: the record mode; `nil` reads `ZIMAGE_RECORD_MODE`, and replays only when it is not set.
///   - region: the region whose endpoints the client uses.
///   - allowUnused: do not report recorded interactions the body never requested.
///   - matching: what a recorded request must share with a sent one; strict by default
///     (`.default.ignoringJSONPaths("parameters.seed")` for a random seed, `.default.matchingHeaders("X-Tenant")` for
///     a header field, which recordings then keep).
///   - rules: what a recording keeps and redacts; `nil`, the default, is DashScope's (`CassetteRules.dashScope`).
///   - recordAgainst: what a recording goes to; `nil` reads `ZIMAGE_RECORD_AGAINST` (`simulator`: an in-process
///     simulator, no key; `dashscope`, the default).
///   - simulate: failures the in-process simulator plays first when recording against it.
///   - directory: where the cassette is (`Cassettes/` beside the calling source file by default).
///   - fileID: where reports point: the calling file's ID.
///   - filePath: the calling file's path; by default the cassette is in `Cassettes/` beside it.
///   - line: where reports point: the calling line.
///   - column: where reports point: the calling column.
///   - bundle: the test target's `Bundle.module`, for replays where the sources are not present.
///   - environment: where the record mode, the key, `DASHSCOPE_BASE_URL` and `CI` are read.
///   - body: the code under test, given the client on the cassette.
/// - Throws: what `body` throws; ``CassetteTestError`` when the body stopped at a request the cassette had no answer
///   for (also reported, with the nearest recorded requests), for an invalid cassette name or record mode; `CassetteError`
///   when the cassette is missing, unsound or empty, or when recording is refused in CI (each also reported at this
///   call under XCTest).
public func withCassette<Result: Sendable>(
    _ name: String, mode: RecordMode? = nil, region: Region = .beijing, allowUnused: Bool = false,
    matching: RequestMatching = .default, rules: CassetteRules? = nil, recordAgainst: RecordTarget? = nil,
    simulate: [DashScopeFault] = [],
    in directory: URL? = nil,
    bundle: Bundle? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column,
    _ body: (ZImageClient) async throws -> Result
) async throws -> Result {
    var session = CassetteSession(
        name: name, mode: mode, region: region, allowUnused: allowUnused,
        directory: directory ?? cassettesFolder(beside: "\(filePath)"), bundle: bundle, environment: environment,
        location: .call(fileID: fileID, filePath: filePath, line: line, column: column))
    session.matching = matching
    if let rules { session.rules = rules }
    session.recordAgainst = recordAgainst
    session.simulate = simulate
    guard
        let result = try await session.run({ client in
            try await ZImageClient.$scoped.withValue(client) { try await body(client) }
        })
    else {
        throw CassetteTestError(
            "the cassette \(name) had no answer for a request (reported as a failure at this call, with the "
                + "nearest recorded requests)")
    }
    return result
}
