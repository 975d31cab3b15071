import Foundation
import ZImage
import ZImageCurl

/// The read-only connectivity probe of one region.
struct ProbeCheck {
    let region: Region
    let host: URL?
    let key: APIKey?
    let offline: Bool
    let required: Bool
    let transport: CurlTransport

    func run() async -> (check: Check, report: Probe.Report) {
        let kind = Check.Kind.probe
        let url = host.map(Probe.modelsURL(for:)) ?? region.probeURL
        func skipped(_ why: String) -> (Check, Probe.Report) {
            (
                Check(kind, region: region, status: required ? .failed : .skipped, detail: why, required: required),
                Probe.Report(
                    region: region.rawValue, url: url.absoluteString, outcome: .skipped, message: why, httpStatus: nil,
                    keyChecked: false, timings: nil)
            )
        }
        if offline { return skipped("offline: nothing was sent (run with --live to probe)") }
        guard let key else {
            return skipped("no key: set DASHSCOPE_API_KEY or dashscope_api_key in ~/.alibabacloud/credentials to probe")
        }
        let started = ContinuousClock.now
        let report = await Probe(timing: transport).run(region: region, url: url, key: key)
        let milliseconds = Int(started.duration(to: .now) / .milliseconds(1))
        if !required && report.outcome == .unreachable {
            return (
                Check(
                    kind, region: region, status: .skipped, detail: "no network: \(report.message)", required: false,
                    durationMilliseconds: milliseconds), report
            )
        }
        let timings =
            report.timings.map {
                String(
                    format: " (DNS %.0f ms, connect %.0f ms, TLS %.0f ms, first byte %.0f ms)",
                    $0.dnsMilliseconds, $0.connectMilliseconds, $0.tlsMilliseconds, $0.firstByteMilliseconds)
            } ?? ""
        return (
            Check(
                kind, region: region, status: report.outcome == .ok ? .passed : .failed,
                detail: "\(report.outcome.rawValue): \(report.message)\(timings)", required: required,
                durationMilliseconds: milliseconds), report
        )
    }
}
