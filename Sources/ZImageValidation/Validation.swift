package import Foundation
package import ZImage
import ZImageContract
import ZImageContractSuite
package import ZImageCurl

/// The validation run as a library: the checks `validate` runs, in order, with their evidence, JUnit report, GitHub
/// annotations and step summary, and the verdict file written only when every required check passed.
package enum Validation {
    /// How much a run may send: the one word for it is "network" (a client's live/record/replay is its mode).
    package enum Network: String, Sendable {
        /// Nothing is sent: the probes are skipped.
        case offline
        /// The probes run when a key is found, and are not required.
        case standard = "default"
        /// The probes are required, and a real generation per region is compared with the cassettes (billed).
        case live
    }

    /// What one run checks and where it writes.
    package struct Options: Sendable {
        /// How much the run may send.
        package var network: Network
        /// The regions checked, in order.
        package var regions: [Region]
        /// Other hosts for some regions (a simulator, a proxy), by region.
        package var hosts: [Region: URL]
        /// The package the compile check builds; `nil` skips the check (a caller that just built).
        package var packageDirectory: String?
        /// The cassettes folder, with one folder per region.
        package var cassettes: URL
        /// Where the evidence goes.
        package var locations: OutputLocations
        /// Where to write the JUnit report, if anywhere.
        package var junit: URL?
        /// Where the key, `GITHUB_ACTIONS` and `GITHUB_STEP_SUMMARY` are read.
        package var environment: [String: String]

        /// Creates options.
        package init(
            network: Network, regions: [Region] = Region.allCases, hosts: [Region: URL] = [:],
            packageDirectory: String?,
            cassettes: URL, locations: OutputLocations, junit: URL? = nil,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.network = network
            self.regions = regions
            self.hosts = hosts
            self.packageDirectory = packageDirectory
            self.cassettes = cassettes
            self.locations = locations
            self.junit = junit
            self.environment = environment
        }
    }

    /// Where a run's lines go: each check's line and its failed cases, the verdict and the closing count; and, under
    /// GitHub Actions, the workflow commands (annotations), which must reach stdout unaltered.
    package struct Output: Sendable {
        /// Receives one line of text, which may quote a cassette (already escaped).
        package var line: @Sendable (String) -> Void
        /// Receives one workflow command (`::error file=…::…`), its data already encoded.
        package var workflowCommand: @Sendable (String) -> Void

        /// Creates an output.
        package init(line: @escaping @Sendable (String) -> Void, workflowCommand: @escaping @Sendable (String) -> Void)
        {
            self.line = line
            self.workflowCommand = workflowCommand
        }
    }

    /// What a run found.
    package struct Outcome: Sendable {
        /// Whether every required check passed (and at least one passed).
        package var passed: Bool
        /// Every check, in the order run.
        package var checks: [Check]
        /// The closing line, `validate: N passed, N failed, N skipped`, counting test cases as JUnit does.
        package var closingLine: String
    }

    /// Runs every check and writes the evidence.
    ///
    /// - Parameters:
    ///   - options: what the run checks and where it writes.
    ///   - transport: the live transport the probes and drift checks use (nothing is sent offline).
    ///   - output: where the run's lines and workflow commands go.
    /// - Throws: when evidence cannot be written; a failed check is not an error, it is in the outcome.
    package static func run(_ options: Options, transport: CurlTransport, output: Output) async throws -> Outcome {
        var run = ValidationRun(
            locations: options.locations, mode: options.network.rawValue, regions: options.regions,
            hosts: options.hosts, output: output)
        try run.start()
        if let packageDirectory = options.packageDirectory {
            let compile = CompileCheck(packageDirectory: packageDirectory, log: run.evidence("build.log"))
            run.record(await offThePool { compile.run() })
        } else {
            run.record(
                Check(
                    .compile, status: .skipped, detail: "--skip-compile: the caller built the package", required: false)
            )
        }

        let key = try? Credentials.resolve(environment: options.environment).apiKey
        let live = options.network == .live
        for region in options.regions {
            let probe = await ProbeCheck(
                region: region, host: options.hosts[region], key: key,
                offline: options.network == .offline, required: live, transport: transport
            ).run()
            run.record(probe.check)
            try run.writeEvidence("probe-\(region).json", probe.report)
        }
        var sections: [CassetteReportPage.Section] = []
        for region in options.regions {
            let folder = options.cassettes.appendingPathComponent(region.rawValue)
            let contract = await ContractCheck(region: region, cassettes: folder).run()
            run.record(contract.check)
            try run.writeEvidence("contract-\(region).json", contract.evidence)
            sections.append(.init(region: region.rawValue, entries: contract.entries))
        }
        if live {
            for (position, region) in options.regions.enumerated() {
                let drift = await DriftCheck(
                    region: region, host: options.hosts[region], key: key, transport: transport,
                    cassettes: options.cassettes.appendingPathComponent(region.rawValue)
                ).run()
                run.record(drift.check)
                try run.writeEvidence("drift-\(region).json", drift.evidence)
                sections[position].drift = "Live drift check: \(drift.evidence.message)"
            }
        }
        let page = CassetteReportPage.render(
            title: "z-image-turbo validation (\(options.network.rawValue))", generatedAt: Date(),
            sections: sections)
        try AtomicFile.write(Data(page.utf8), to: run.evidence("report.html"))
        return try await run.finish(junit: options.junit, environment: options.environment)
    }
}
