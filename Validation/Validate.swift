import ArgumentParser
import Foundation
import ZImage
import ZImageCommandSupport
import ZImageValidation

/// `validate`: one step to know that the client builds, that both regions are reachable with their key, and that the
/// client still honours the contract recorded in the cassettes. Writes validate.txt only when every required check passed.
@main
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract:
            "Check that the package builds, that DashScope is reachable, and that the client honours the contract.",
        discussion: """
            Checks, in order:
              compile            swift build --build-tests (incremental after make's build); log in build.log
              probe-<region>     read-only GET /compatible-mode/v1/models with the key, with DNS/connect/TLS/first-byte
                                 times; skipped offline or without a key (says why); required with --live
              contract-<region>  docs/CONTRACT.md's documented payloads, and every cassette of cassettes/<region> replayed
                                 through the real client to its scenario's expected outcome
              drift-<region>     with --live: one real generation per region (billed), its answer's shape compared with
                                 the cassettes' (fields added, missing, or of another type; status; content type)

            Writes to <output>/alicloud-ai-image-zimage-turbo/: summary.json, probe-<region>.json,
            contract-<region>.json, report.html (every scenario with its image, failures first), build.log,
            drift-<region>.json (--live), and validate.txt only when every required
            check passed (a stale one is removed first). Exit 0 only when every required check passed. The last line of
            stdout is `validate: N passed, N failed, N skipped`, counting test cases as --junit does.

            --junit FILE writes JUnit XML (one testsuite per check kind and region, one testcase per check or cassette
            scenario). With GITHUB_ACTIONS=true, failures and old cassettes are also annotations (::error, ::warning)
            pointing at the cassette and the offending interaction's line, and a summary is appended to
            $GITHUB_STEP_SUMMARY.

            Examples:
              validate --offline                    # what make validate runs
              DASHSCOPE_API_KEY=sk-... validate --live --region singapore
              validate --live --base-url beijing=http://127.0.0.1:8080 --skip-compile
            """
    )

    @Flag(help: "Skip the compile check (for callers that just built).")
    var skipCompile = false

    @Flag(help: "Send nothing: the probe is skipped (also ZIMAGE_OFFLINE=1).")
    var offline = false

    @Flag(help: "Require the probe, and compare a real generation per region with the cassettes (needs a key; billed).")
    var live = false

    @Option(name: .customLong("region"), help: "A region to check (repeatable) [default: both].")
    var regions: [Region] = []

    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp("Use another host for a region: REGION=URL (repeatable).", valueName: "region=url"))
    var baseURLs: [String] = []

    @Option(help: "Base output folder (default: $OUTPUT_DIR, else ./output).")
    var outputDir: String?

    @Option(help: "Package folder to build in the compile check.")
    var packageDir: String = FileManager.default.currentDirectoryPath

    @Option(help: "The cassettes folder [default: <package-dir>/cassettes].")
    var cassettes: String?

    @Option(help: ArgumentHelp("Also write the checks as JUnit XML here (for CI test reports).", valueName: "file"))
    var junit: String?

    @OptionGroup(title: "Live transport") var transportOptions: TransportOptions

    /// Runs the command; argument errors exit 2, as docs/COMMAND-LINE.md's table of exit codes says.
    static func main() async {
        await runExitingTwoOnInvalidInput()
    }

    func validate() throws {
        if live && offline { throw ValidationError("--live and --offline were both given; allowed: one of them") }
        _ = try hosts()
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let network: Validation.Network =
            live ? .live : offline || environment["ZIMAGE_OFFLINE"] == "1" ? .offline : .standard
        let options = Validation.Options(
            network: network, regions: chosenRegions(), hosts: try hosts(),
            packageDirectory: skipCompile ? nil : packageDir,
            cassettes: URL(fileURLWithPath: cassettes ?? (packageDir as NSString).appendingPathComponent("cassettes")),
            locations: outputDir.map { OutputLocations(base: URL(fileURLWithPath: $0, isDirectory: true)) }
                ?? OutputLocations(environment: environment),
            junit: junit.map { URL(fileURLWithPath: $0) }, environment: environment)
        let outcome = try await Validation.run(
            options, transport: try transportOptions.makeTransport(environment: environment),
            output: Validation.Output(line: printOutput, workflowCommand: printWorkflowCommand))
        throw outcome.passed ? ExitCode.success : ExitCode.failure
    }

    private func chosenRegions() -> [Region] {
        var chosen: [Region] = []
        for region in regions where !chosen.contains(region) { chosen.append(region) }
        return chosen.isEmpty ? Region.allCases : chosen
    }

    /// The hosts given with --base-url, by region.
    private func hosts() throws -> [Region: URL] {
        var hosts: [Region: URL] = [:]
        for entry in baseURLs {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let region = Region(name: parts[0]), let url = APIURL.parse(parts[1]) else {
                let problem = APIURL.carriesCredentials(entry) ? ", which \(APIURL.credentialsProblem)" : ""
                throw ValidationError(
                    "--base-url is \"\(APIURL.shown(entry))\"\(problem); allowed: REGION=URL without user:password@, "
                        + "e.g. beijing=http://127.0.0.1:8080")
            }
            hosts[region] = url
        }
        return hosts
    }
}
