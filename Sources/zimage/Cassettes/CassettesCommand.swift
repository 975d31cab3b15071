import ArgumentParser
import Foundation
import ZImage
import ZImageCassettes
import ZImageCommandSupport
import ZImageContract
import ZImageContractSuite
import ZImageCurl

/// `zimage cassettes`: record, check, list and export the contract cassettes.
struct CassettesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cassettes",
        abstract: "Record, check, list and export the contract cassettes.",
        discussion: """
            A cassette is one scenario in one JSON file: the exchanges in order (keys and signatures redacted, images \
            as sidecar files in bodies/), where they came from (live or simulator), and the outcome replaying them \
            through the client must give. The committed ones are in cassettes/beijing and cassettes/singapore.

            Examples:
              zimage cassettes list
              zimage cassettes check
              zimage cassettes record --region singapore                 # against a fresh in-process simulator
              zimage cassettes record --region beijing --against http://127.0.0.1:8080
              DASHSCOPE_API_KEY=sk-... zimage cassettes record --region beijing --live
              zimage cassettes report --out cassettes.html                # one page, every scenario with its image
              zimage cassettes export-har cassettes/beijing/basic-generation.json --output basic.har
            """,
        subcommands: [List.self, Check.self, Record.self, Report.self, ExportHAR.self]
    )

    /// The cassette files under `dir`; none is invalid input (exit 2).
    static func cassetteFiles(in dir: String) throws -> [URL] {
        let files = CassetteLinter.cassetteFiles(in: URL(fileURLWithPath: dir))
        guard !files.isEmpty else {
            printError("zimage: no cassettes under \(dir)")
            throw ExitCode(2)
        }
        return files
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A table of the scenarios of each region.")

        @Option(help: "The cassettes folder.")
        var dir = "cassettes"

        func run() async throws {
            let files = try CassettesCommand.cassetteFiles(in: dir)
            printOutput(
                "REGION     SCENARIO                    EXPECTS                  SOURCE     EXCHANGES  RECORDED")
            for file in files {
                guard let cassette = try? CassetteFile.load(file, rules: .dashScope) else {
                    printOutput(
                        "?          \(untrusted: file.lastPathComponent)  (unreadable: run zimage cassettes check)")
                    continue
                }
                let read = Result { try Scenario(of: cassette) }
                let scenario = (try? read.get()) ?? nil
                let expect =
                    scenario.map { scenario in
                        [
                            scenario.expect.outcome.rawValue, scenario.expect.httpStatus.map(String.init),
                            scenario.expect.code,
                        ]
                        .compactMap { $0 }.joined(separator: " ")
                    } ?? (cassette.scenario == nil ? "(no scenario)" : "(invalid: see check)")
                printOutput(
                    [
                        UntrustedText.escaped(cassette.region ?? "-").padding(toLength: 9, withPad: " ", startingAt: 0),
                        UntrustedText.escaped(scenario?.name ?? file.lastPathComponent).padding(
                            toLength: 26, withPad: " ", startingAt: 0),
                        expect.padding(toLength: 23, withPad: " ", startingAt: 0),
                        cassette.source.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0),
                        String(cassette.interactions.count).padding(toLength: 9, withPad: " ", startingAt: 0),
                        cassette.recordedAt,
                    ].joined(separator: "  "))
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lint the cassettes: format, contract, secrets, orphaned or missing bodies, age.",
            discussion: """
                Works on any folder of cassettes: the contract suite's (cassettes/, the default) or your own test suite's \
                (zimage cassettes check --dir Tests/AppTests/Cassettes). Each cassette is validated whole (the schema), \
                its exchanges held to DashScope's contract, searched for keys and unredacted signatures, and its age \
                checked; a scenario, where it has one, is read as validate reads it. Body files no cassette refers to \
                are reported.

                Exit codes: 0 when nothing is wrong (old recordings only warn), 2 otherwise.
                """)

        @Option(help: "The cassettes folder.")
        var dir = "cassettes"

        @Option(help: "Warn about recordings older than this many days.")
        var maxAgeDays = Cassette.staleAfterDays

        func run() async throws {
            let folder = URL(fileURLWithPath: dir)
            let files = try CassettesCommand.cassetteFiles(in: dir)
            let key = (try? Credentials.resolve())?.apiKey.value
            let findings = CassetteLinter.lint(
                folder, rules: .dashScope, contract: ContractChecker.contractCassette,
                secrets: [key].compactMap { $0 }, maximumAgeDays: maxAgeDays)
            for finding in findings { printOutput(UntrustedText.escaped(finding.description)) }
            let errors = findings.filter(\.isError).count
            printOutput(
                "\(files.count) cassettes checked: \(errors) error\(errors == 1 ? "" : "s"), "
                    + "\(findings.count - errors) warning\(findings.count - errors == 1 ? "" : "s")")
            if errors > 0 { throw ExitCode(2) }
        }
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-record every scenario of a region (or the named ones).",
            discussion: """
                By default each scenario is recorded against a fresh in-process simulator of the region, with the \
                faults it needs (429, 500, 503, an expired image URL…); URLs are stored under the region's real \
                endpoints and the cassette says source: simulator. With --live, scenarios go to DashScope with your \
                key; those a live API cannot produce on demand are kept as they are and reported, never deleted. \
                With --against URL, scenarios go to that origin (a `zimage serve simulate` started elsewhere, say), with \
                your key or else sk-test-local (the simulator's default); those that need injected faults are kept. \
                A re-recording that gives the same exchanges leaves the file byte for byte as it was.

                A cassette is written only when its recording is whole: every exchange completed (no connection, \
                DNS or TLS failure, no timeout), and the recording, replayed through the client, gives the outcome \
                the scenario expects (an unexpected 5xx does not). Otherwise the committed cassette is kept byte for \
                byte ("kept <file>: <why>; nothing was written") and the command goes on with the next scenario. \
                Interrupted (Ctrl-C, SIGTERM), it leaves every cassette it had not finished as it was.

                With CI=true, recording is refused unless ZIMAGE_ALLOW_RECORDING=1.

                Exit codes: 0 when every scenario was written, unchanged or kept because this target cannot \
                produce it; 1 when a recording failed or was kept for a failure; 2 for invalid options.
                """)

        @Option(help: "The region.")
        var region: Region

        @Flag(help: "Record live against DashScope with your key (costs one generation per live scenario).")
        var live = false

        @Option(help: ArgumentHelp("Record against this origin instead (scheme://host:port).", valueName: "url"))
        var against: String?

        @Option(name: .customLong("scenario"), help: "Only this scenario (repeatable).")
        var scenarios: [String] = []

        @Option(help: "The cassettes folder; the region's cassettes go in <dir>/<region>.")
        var dir = "cassettes"

        @OptionGroup var transportOptions: TransportOptions

        func validate() throws {
            for name in scenarios where ScenarioCatalog.named(name) == nil {
                throw ValidationError(
                    "--scenario is \"\(name)\"; allowed: "
                        + ScenarioCatalog.all.map(\.scenario.name).joined(separator: ", "))
            }
            if let against {
                guard !live, let url = APIURL.parse(against), url.path.isEmpty || url.path == "/" else {
                    let problem = APIURL.carriesCredentials(against) ? ", which \(APIURL.credentialsProblem)" : ""
                    throw ValidationError(
                        "--against is \"\(APIURL.shown(against))\"\(problem); allowed: an origin such as "
                            + "http://127.0.0.1:8080 (no path, no user:password@), without --live")
                }
            }
        }

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let recipes =
                scenarios.isEmpty
                ? ScenarioCatalog.all : ScenarioCatalog.all.filter { scenarios.contains($0.scenario.name) }
            try CassetteDeck(mode: .all, options: CassetteOptions(environment: environment)).checkRecordingAllowed(dir)
            let target: ScenarioRecorder.Target
            if let against, let url = URL(string: against) {
                let key = (try? Credentials.resolve(environment: environment).apiKey) ?? APIKey("sk-test-local")
                target = .against(url, key)
            } else if live {
                target = .live(try Credentials.resolve(environment: environment).apiKey)
            } else {
                target = .simulator
            }
            let options = transportOptions
            let recorder = ScenarioRecorder(makeUpstream: { try options.makeTransport() }, environment: environment)
            let folder = URL(fileURLWithPath: dir).appendingPathComponent(region.rawValue)
            var failed = false
            for recipe in recipes {
                do {
                    let outcome = try await recorder.record(recipe, region: region, into: folder, target: target)
                    var line =
                        "\(outcome.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(outcome.file.path)"
                    switch outcome.status {
                    case .kept: line += "  (this target cannot produce the scenario on demand: kept as it was)"
                    case .skipped:
                        line +=
                            "  (this target cannot produce the scenario on demand, and there is no cassette to keep)"
                    case .written, .unchanged: break
                    }
                    printOutput(line)
                } catch let error as CassetteError where error.code == .recordingKept {
                    // "kept <file>: <why>; nothing was written"
                    printError("zimage: \(untrusted: error)")
                    failed = true
                } catch {
                    printError("zimage: recording \(recipe.scenario.name) failed: \(untrusted: error)")
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct ExportHAR: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-har",
            abstract: "Export a cassette as HAR 1.2, for browser devtools (Network panel, Import HAR).")

        @Argument(help: "The cassette file.")
        var cassette: String

        @Option(help: "Where to write the HAR (default: stdout).")
        var output: String?

        func run() async throws {
            let loaded = try CassetteFile.load(URL(fileURLWithPath: cassette), rules: .dashScope)
            let comment = ((try? Scenario(of: loaded)) ?? nil).map { "\($0.name): \($0.summary)" } ?? "zimage cassette"
            let har = try HARExporter.export(loaded, comment: comment, creator: ("zimage", ZImageVersion.current))
            if let output {
                try AtomicFile.write(har, to: URL(fileURLWithPath: output))
            } else {
                writeOutput(har)
            }
        }
    }
}
