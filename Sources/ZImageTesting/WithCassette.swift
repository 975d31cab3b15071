public import Foundation
public import ZImage
public import ZImageCassettes

/// Runs `body` with a ``ZImage/ZImageClient`` on the cassette `name`, for XCTest and for anyone who prefers a closure:
/// the same files, modes and reports as `@Test(.cassette(name))`. Its reports (a miss, even one the code under test
/// catches; an unused interaction; a contract break) fail the running test at this call, under XCTest (`XCTFail`) and
/// Swift Testing (`Issue`) alike: an XCTest file needs only `import XCTest` and `import ZImageTesting`.
///
/// - Parameters:
///   - name: the cassette's file name without `.json` (may contain `/`), in `Cassettes/` beside the calling file.
///   - mode: the record mode; `nil` reads `ZIMAGE_RECORD_MODE`, and replays only when it is not set.
///   - region: the region whose endpoints the client uses.
///   - allowUnused: do not report recorded interactions the body never requested.
///   - recordAgainst: what a recording goes to; `nil` reads `ZIMAGE_RECORD_AGAINST` (`simulator`: an in-process
///     simulator, no key; `dashscope`, the default).
///   - simulate: failures the in-process simulator plays first when recording against it.
///   - matching: what a recorded request must share with a sent one; strict by default
///     (`.default.ignoringJSONPaths("parameters.seed")` for a random seed).
///   - directory: where the cassette is (default: `Cassettes/` beside the calling source file).
///   - fileID: where reports point: the calling file's ID.
///   - filePath: the calling file's path; by default the cassette is in `Cassettes/` beside it.
///   - line: where reports point: the calling line.
///   - column: where reports point: the calling column.
///   - bundle: the test target's `Bundle.module`, for replays where the sources are not present.
///   - environment: where the record mode, the key, `DASHSCOPE_BASE_URL` and `CI` are read.
///   - body: the code under test, given the client on the cassette.
/// - Throws: what `body` throws; ``CassetteTestError`` when the cassette is missing or had no answer for a request (that
///   is also reported as an `Issue` with the nearest recorded requests); `CassetteError` when recording is refused.
public func withCassette<Result: Sendable>(
    _ name: String, mode: RecordMode? = nil, region: Region = .beijing, allowUnused: Bool = false,
    matching: RequestMatching = .default, recordAgainst: RecordTarget? = nil, simulate: [SimulatedFailure] = [],
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
