public import Foundation
public import Testing
public import ZImage
public import ZImageCassettes

/// Gives a test a ``ZImage/ZImageClient`` that answers from a cassette beside the test's source, or records it:
/// `@Test(.cassette("poster"))`, then `try ZImageClient.cassette` in the test.
///
/// - The cassette is `Cassettes/<name>.json` in the folder of the test's source file (its images in `Cassettes/bodies/`),
///   where a recording is written and committed; a replay falls back to `Cassettes/` among the test target's resources
///   (`bundle: .module`) when the sources are not there.
/// - The record mode is the trait's, else `ZIMAGE_RECORD_MODE` (`none`, the default, replays only; `once`,
///   `new-episodes`, `all`). With `CI=true`, recording is refused unless `ZIMAGE_ALLOW_RECORDING=1`.
/// - Replaying reads no key and never sleeps on `Retry-After` or backoff. Recording reads the key (`DASHSCOPE_API_KEY` or
///   the credentials file), goes to DashScope or to `DASHSCOPE_BASE_URL` (a simulator), and writes the cassette only if
///   what it recorded keeps the API's contract.
/// - A request the cassette cannot answer, a recorded interaction the test never used, and a recording that breaks the
///   contract are each an `Issue` at the test, with the nearest recorded request and the JSON paths that differ.
///
/// No request is intercepted: the client is injected, so tests with different cassettes run in parallel.
public struct CassetteTrait: TestTrait, TestScoping {
    /// The session every test with this trait runs, but for the environment and the test's own source location.
    let template: CassetteSession

    /// Runs the test with its client on the cassette, then reports what the cassette saw.
    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void)
        async throws {
        var session = template
        session.environment = ProcessInfo.processInfo.environment
        session.location = .test(test.sourceLocation)
        _ = try await session.run { client in
            try await CassetteScope.$client.withValue(client) { try await function() }
        }
    }
}

extension Trait where Self == CassetteTrait {
    /// The cassette `name` (`Cassettes/<name>.json` beside the test's source) for this test.
    ///
    /// - Parameters:
    ///   - mode: the record mode; `nil` reads `ZIMAGE_RECORD_MODE`, and replays only when it is not set.
    ///   - region: the region whose endpoints the client uses.
    ///   - allowUnused: do not report recorded interactions the test never requested.
    ///   - bundle: the test target's `Bundle.module`, for replays where the sources are not present.
    public static func cassette(
        _ name: String, mode: RecordMode? = nil, region: Region = .beijing, allowUnused: Bool = false,
        bundle: Bundle? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Self {
        CassetteTrait(template: CassetteSession(
            name: name, mode: mode, region: region, allowUnused: allowUnused,
            directory: cassettesFolder(beside: sourceLocation.filePath), bundle: bundle, environment: [:],
            location: .test(sourceLocation)))
    }
}

extension ZImageClient {
    /// The client of the `.cassette(…)` test running in this task.
    ///
    /// - Throws: ``CassetteTestError`` outside such a test.
    public static var cassette: ZImageClient {
        get throws {
            guard let client = CassetteScope.client else {
                throw CassetteTestError("ZImageClient.cassette is available only inside a test marked @Test(.cassette(\"name\")); "
                    + "elsewhere use withCassette(\"name\") { client in … }")
            }
            return client
        }
    }
}

/// The client of the cassette test running in the current task.
enum CassetteScope {
    @TaskLocal static var client: ZImageClient?
}

/// `Cassettes/` in the folder of the source file `filePath`.
func cassettesFolder(beside filePath: String) -> URL {
    URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Cassettes", isDirectory: true)
}
