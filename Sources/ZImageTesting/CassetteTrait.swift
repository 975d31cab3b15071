public import Foundation
public import Testing
public import ZImage
public import ZImageCassettes

/// Gives a test a ``ZImage/ZImageClient`` that answers from a cassette beside the test's source, or records it:
/// `@Test(.cassette)`, then `try ZImageClient.cassette` in the test.
///
/// - The cassette is named after the test (`Cassettes/<Suite>/<function>.json` in the folder of the test's source file)
///   unless given a name (`.cassette("poster")`: `Cassettes/poster.json`); a parameterized test gets one cassette per
///   argument case (`…/<function>/<arguments>.json`), or one for all with `shared: true` (see `CassetteNaming`). Its
///   images go in `Cassettes/bodies/`. A replay falls back to the test target's resources (`bundle: .module`) when the
///   sources are not there.
/// - On a suite (`@Suite(.cassettes)`), every test in it gets its own cassette, with the suite's options.
/// - The record mode is the trait's, else `ZIMAGE_RECORD_MODE`: `none` (the default) replays only; `once` records a
///   cassette that does not exist; `new-episodes` replays what matches and records the rest; `update` does the same and
///   drops what no test of the run used; `all` records afresh. With `CI=true`, recording is refused unless
///   `ZIMAGE_ALLOW_RECORDING=1`.
/// - Replaying reads no key and never sleeps on `Retry-After` or backoff. Recording reads the key (`DASHSCOPE_API_KEY` or
///   the credentials file), goes to DashScope or to `DASHSCOPE_BASE_URL` (a simulator), and writes the cassette only if
///   the recording is whole: every exchange completed, the test did not throw, the API's contract kept. Otherwise the
///   old cassette stays byte for byte. Tests recording into one cassette at once (a shared name, parallel tests, the
///   cases of a `shared` cassette, in update too) each keep what they recorded and used: nothing is lost.
/// - Recorded as an `Issue` at the test, the test going on: a request the cassette cannot answer, a recorded
///   interaction the test never used (unless the cassette is `shared` or `allowUnused`), a cassette kept because its
///   recording was not whole, each with the nearest recorded request and the JSON paths that differ. Thrown (the test
///   stops): a missing, unsound or empty cassette, recording refused in CI, an invalid name or record mode.
///
/// No request is intercepted: the client is injected, so tests with different cassettes run in parallel.
public struct CassetteTrait: TestTrait, SuiteTrait, TestScoping {
    /// The session every test with this trait runs, but for its file, environment and the test's own source location.
    let template: CassetteSession
    /// The name given, or `nil` to name the cassette after the test.
    let name: String?
    /// One cassette for every case of a parameterized test (and every test that names it), not one each.
    let shared: Bool

    /// On a suite, the trait reaches every test in it.
    public var isRecursive: Bool { true }

    /// Scopes each test case (a test function that takes no arguments has one), never a suite as a whole.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil || test.isSuite ? nil : self
    }

    /// Runs the test case with its client on the cassette, then reports what the cassette saw.
    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    )
        async throws
    {
        var session = template
        session.environment = ProcessInfo.processInfo.environment
        session.location = .test(test.sourceLocation)
        session.directory = cassettesFolder(beside: test.sourceLocation.filePath)
        session.name = CassetteNaming.path(name: name, shared: shared, test: test, testCase: testCase)
        if shared { session.allowUnused = true }
        _ = try await session.run { client in
            try await CassetteScope.$client.withValue(client) {
                try await ZImageClient.$scoped.withValue(client) { try await function() }
            }
        }
    }
}

extension Trait where Self == CassetteTrait {
    /// A cassette named after the test (`Cassettes/<Suite>/<function>.json` beside its source), replayed unless
    /// `ZIMAGE_RECORD_MODE` says otherwise.
    public static var cassette: Self { cassette() }

    /// The cassette `name` (`Cassettes/<name>.json` beside the test's source), or one named after the test.
    ///
    /// - Parameters:
    ///   - name: the file's name without `.json` (may contain `/`); `nil` names it after the test.
    ///   - mode: the record mode; `nil` reads `ZIMAGE_RECORD_MODE`, and replays only when it is not set.
    ///   - region: the region whose endpoints the client uses.
    ///   - shared: one cassette for every case of a parameterized test (and every test naming it), recorded together
    ///     without loss; unused interactions are then not reported, since another case may use them.
    ///   - allowUnused: do not report recorded interactions the test never requested.
    ///   - matching: what a recorded request must share with a sent one; strict by default. For a request that
    ///     carries a random seed, a time or an id: `.default.ignoringJSONPaths("parameters.seed")`; for a header field,
    ///     `.default.matchingHeaders("X-Tenant")` (recordings keep the fields a matching reads).
    ///   - rules: what a recording keeps and redacts; `nil`, the default, is DashScope's (`CassetteRules.dashScope`).
    ///   - recordAgainst: what a recording goes to; `nil` reads `ZIMAGE_RECORD_AGAINST` (`simulator` or `dashscope`, the
    ///     default).
    ///   - simulate: failures an in-process simulator plays first when recording against it
    ///     (`.cassette("throttled", simulate: [.throttled(retryAfter: 30)])`), so error paths are committed as cassettes.
    ///   - bundle: the test target's `Bundle.module`, for replays where the sources are not present.
    public static func cassette(
        _ name: String? = nil, mode: RecordMode? = nil, region: Region = .beijing, shared: Bool = false,
        allowUnused: Bool = false, matching: RequestMatching = .default, rules: CassetteRules? = nil,
        recordAgainst: RecordTarget? = nil, simulate: [DashScopeFault] = [], bundle: Bundle? = nil
    ) -> Self {
        var session = CassetteSession(
            name: name ?? "", mode: mode, region: region, allowUnused: allowUnused,
            directory: URL(fileURLWithPath: "/"),
            bundle: bundle, environment: [:],
            location: .test(SourceLocation(fileID: "?/?", filePath: "/", line: 1, column: 1)))
        session.matching = matching
        if let rules { session.rules = rules }
        session.recordAgainst = recordAgainst
        session.simulate = simulate
        return CassetteTrait(template: session, name: name, shared: shared)
    }

    /// For a suite: every test in it gets its own cassette named after it. With options, `.cassette(mode: …)` on the
    /// suite does the same (a name given there would make the suite's tests share one cassette).
    public static var cassettes: Self { cassette() }
}

extension ZImageClient {
    /// The client of the `.cassette(…)` test running in this task.
    ///
    /// - Throws: ``CassetteTestError`` outside such a test.
    public static var cassette: ZImageClient {
        get throws {
            guard let client = CassetteScope.client else {
                throw CassetteTestError(
                    "ZImageClient.cassette is available only inside a test marked @Test(.cassette(\"name\")); "
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
