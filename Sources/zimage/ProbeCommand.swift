import ArgumentParser
import Foundation
import ZImage
import ZImageCommandSupport
import ZImageCurl

/// `zimage probe`: read-only connectivity and key check per region, with timings.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Check that each region is reachable and accepts the key, without generating anything.",
        discussion: """
            Sends GET {host}/compatible-mode/v1/models with the key (read-only, free) and reports per region: ok, \
            reachable (no key, so only DNS, TCP and TLS were checked), unauthorized (a bad key, or a key of the other \
            region), forbidden, unreachable, tls_error, server_error, or skipped (offline), with the DNS, connect, TLS \
            and first-byte times.

            Examples:
              zimage probe
              zimage probe --region singapore --json
              zimage probe --base-url http://127.0.0.1:8080      # a local simulator

            --offline (or ZIMAGE_OFFLINE=1) sends nothing and reports every region as skipped.
            Exit codes: 0 when every region probed is ok or reachable (or skipped), 1 otherwise.
            """
    )

    @Option(name: .customLong("region"), help: "A region to probe (repeatable) [default: both].")
    var regions: [Region] = []

    @Option(help: ArgumentHelp("Probe this host (or generation endpoint) instead of the region's.", valueName: "url"))
    var baseURL: String?

    @Flag(help: "Print the reports as JSON.")
    var json = false

    @Flag(help: "Send nothing; report every region as skipped.")
    var offline = false

    @OptionGroup var transportOptions: TransportOptions

    func validate() throws {
        if let baseURL, APIURL.parse(baseURL) == nil {
            let problem = APIURL.carriesCredentials(baseURL) ? ", which \(APIURL.credentialsProblem)" : ""
            throw ValidationError(
                "--base-url is \"\(APIURL.shown(baseURL))\"\(problem); allowed: an http:// or https:// URL without "
                    + "user:password@")
        }
    }

    func run() async throws {
        var chosen: [Region] = []
        for region in regions where !chosen.contains(region) { chosen.append(region) }
        if chosen.isEmpty { chosen = Region.allCases }
        let target = baseURL.flatMap(APIURL.parse).map(Probe.modelsURL(for:))

        let environment = ProcessInfo.processInfo.environment
        let isOffline = offline || environment["ZIMAGE_OFFLINE"] == "1"
        let key = try? Credentials.resolve(environment: environment).apiKey
        var reports: [Probe.Report] = []
        if isOffline {
            reports = chosen.map { region in
                Probe.Report(
                    region: region.rawValue, url: (target ?? region.probeURL).absoluteString, outcome: .skipped,
                    message: "offline: nothing was sent", httpStatus: nil, keyChecked: false, timings: nil)
            }
        } else {
            let probe = Probe(timing: try transportOptions.makeTransport())
            for region in chosen {
                reports.append(await probe.run(region: region, url: target, key: key))
            }
        }

        if json {
            let encoder = WireFormat.canonicalEncoder
            encoder.outputFormatting.insert(.prettyPrinted)
            printOutput(String(decoding: try encoder.encode(reports), as: UTF8.self))
        } else {
            printOutput(Self.table(reports))
        }
        if !reports.allSatisfy(\.outcome.isSuccess) { throw ExitCode(1) }
    }

    static func table(_ reports: [Probe.Report]) -> String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
        let widths = [10, 13, 4, 6, 10, 6, 13]
        func row(_ cells: [String], _ message: String) -> String {
            let padded = zip(cells, widths).enumerated().map { index, pair in
                index < 3 ? pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0) : pair.0.leftPadded(pair.1)
            }
            return (padded + [message]).joined(separator: "  ")
        }
        var lines = [row(["REGION", "OUTCOME", "HTTP", "DNS ms", "CONNECT ms", "TLS ms", "FIRST BYTE ms"], "MESSAGE")]
        for report in reports {
            lines.append(
                row(
                    [
                        report.region, report.outcome.rawValue, report.httpStatus.map(String.init) ?? "-",
                        ms(report.timings?.dnsMilliseconds), ms(report.timings?.connectMilliseconds),
                        ms(report.timings?.tlsMilliseconds), ms(report.timings?.firstByteMilliseconds),
                    ], report.message))
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
