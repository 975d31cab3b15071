import Foundation
import ZImage

/// One run of `validate`: removes the stale verdict, collects checks, writes the evidence and the verdict.
struct ValidationRun {
    let locations: OutputLocations
    let mode: String
    let regions: [Region]
    let hosts: [Region: URL]
    let output: Validation.Output
    private let startedAt = Date()
    private let clock = ContinuousClock.now
    private var checks: [Check] = []

    init(locations: OutputLocations, mode: String, regions: [Region], hosts: [Region: URL], output: Validation.Output) {
        self.locations = locations
        self.mode = mode
        self.regions = regions
        self.hosts = hosts
        self.output = output
    }

    var verdictFile: URL { evidence("validate.txt") }

    func evidence(_ name: String) -> URL {
        locations.evidenceDirectory.appendingPathComponent(name)
    }

    func start() throws {
        try FileManager.default.createDirectory(at: locations.evidenceDirectory, withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: verdictFile.path) {
            try FileManager.default.removeItem(at: verdictFile)
        }
    }

    mutating func record(_ check: Check) {
        checks.append(check)
        let mark =
            switch check.status {
            case .passed: "PASS"
            case .failed: "FAIL"
            case .skipped: "SKIP"
            }
        let note = check.required || check.status == .passed ? "" : " (not required)"
        // A detail and a case quote cassettes (scenario names, problems found in them): escaped, never printed raw.
        output.line(
            "\(mark)  \(check.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(untrusted: check.detail)\(note)"
        )
        for failed in check.cases where !failed.passed {
            output.line("      - \(untrusted: failed.name): \(untrusted: failed.detail)")
        }
    }

    func writeEvidence(_ name: String, _ value: some Encodable) throws {
        let encoder = WireFormat.canonicalEncoder
        encoder.outputFormatting.insert(.prettyPrinted)
        try AtomicFile.write(try encoder.encode(value) + Data("\n".utf8), to: evidence(name))
    }

    /// `validate: N passed, N failed, N skipped`, counting test cases as the JUnit report does.
    var closingLine: String {
        let cases = checks.flatMap { JUnitReport.suite($0).cases }
        let failed = cases.filter { $0.failure != nil }.count
        let skipped = cases.filter { $0.skipped != nil }.count
        return "validate: \(cases.count - failed - skipped) passed, \(failed) failed, \(skipped) skipped"
    }

    /// Writes summary.json, the JUnit report when asked, GitHub's annotations and step summary under Actions, and, when
    /// every required check passed, validate.txt.
    func finish(junit: URL?, environment: [String: String]) async throws -> Validation.Outcome {
        let gitCommit = await offThePool(Self.gitCommit)
        let passed =
            checks.allSatisfy { !$0.required || $0.status == .passed }
            && checks.contains { $0.status == .passed }
        let summary = Summary(
            startedAt: GenerationEvidence.timestamp(startedAt), endedAt: GenerationEvidence.timestamp(Date()),
            toolVersion: ZImageVersion.current, gitCommit: gitCommit, model: DashScopeAPI.model, mode: mode,
            regions: regions.map { region in
                .init(
                    name: region.rawValue, regionID: region.regionID,
                    endpoint: hosts[region].map { DriftCheck.generationURL(for: $0).absoluteString }
                        ?? region.generationURL.absoluteString)
            },
            passed: passed, checks: checks)
        try writeEvidence("summary.json", summary)
        if passed {
            let lines =
                ["z-image-turbo validation passed at \(summary.endedAt) (zimage \(ZImageVersion.current))"]
                + checks.map { "\($0.status.rawValue): \($0.name): \($0.detail)" }
            try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: verdictFile)
        }
        if let junit {
            try AtomicFile.write(
                JUnitReport.render(
                    checks, startedAt: startedAt, duration: clock.duration(to: .now),
                    relativeTo: FileManager.default.currentDirectoryPath),
                to: junit)
        }
        if environment["GITHUB_ACTIONS"] == "true" {
            for line in GitHubReport.annotations(checks, relativeTo: FileManager.default.currentDirectoryPath) {
                output.workflowCommand(line)
            }
            if let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
                try Self.append(
                    GitHubReport.summary(
                        checks, passed: passed, closingLine: closingLine,
                        evidence: locations.evidenceDirectory), to: URL(fileURLWithPath: path))
            }
        }
        output.line(
            passed
                ? "validate: passed; wrote \(verdictFile.path)"
                : "validate: FAILED (no validate.txt); see \(evidence("summary.json").path)")
        output.line(closingLine)
        return Validation.Outcome(passed: passed, checks: checks, closingLine: closingLine)
    }

    /// Appends `text` to the file at `url`, creating it, whole or not at all.
    private static func append(_ text: String, to url: URL) throws {
        try AppendOnlyFile.append(Data(text.utf8), to: url.path)
    }

    private static func gitCommit() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct Summary: Encodable {
    var startedAt: String
    var endedAt: String
    var toolVersion: String
    var gitCommit: String?
    var model: String
    var mode: String
    var regions: [RegionInfo]
    var passed: Bool
    var checks: [Check]

    struct RegionInfo: Encodable {
        var name: String
        var regionID: String
        var endpoint: String

        enum CodingKeys: String, CodingKey {
            case name, endpoint
            case regionID = "region_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case toolVersion = "tool_version"
        case gitCommit = "git_commit"
        case model, mode, regions, passed, checks
    }
}

/// Runs blocking work (a child process waited for) on a thread of its own, never on Swift's cooperative pool, where it
/// would hold up every task of the process, in-process servers included, for as long as it waits.
func offThePool<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}
