import ArgumentParser
import Foundation
import ZImage
import ZImageCassettes
import ZImageCommandSupport
import ZImageContract
import ZImageContractSuite

extension CassettesCommand {
    /// `zimage cassettes report`: one HTML page of every scenario, replayed, with its image.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one HTML page showing every scenario, replayed, with its image; failures first.",
            discussion: """
                Each region folder under --dir is replayed through the client, as validate's contract check does, and \
                shown with its request, the expected and the actual outcome, the image as a thumbnail, its source and \
                age. The page needs no network (inline CSS, images embedded). For reviewing a re-recorded set of \
                fixtures before committing it.
                Exit codes: 0 when every scenario replayed to its expected outcome, 1 otherwise (the page is written \
                either way), 2 when --dir holds no cassettes.
                """)

        @Option(help: "The cassettes folder (one subfolder per region).")
        var dir = "cassettes"

        @Option(
            help: ArgumentHelp(
                "Where to write the page [default: $OUTPUT_DIR/alicloud-ai-image-zimage-turbo/cassettes.html].",
                valueName: "file"))
        var out: String?

        func run() async throws {
            let root = URL(fileURLWithPath: dir)
            _ = try CassettesCommand.cassetteFiles(in: dir)
            var sections: [CassetteReportPage.Section] = []
            for region in ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted() {
                let files = CassetteLinter.cassetteFiles(in: root.appendingPathComponent(region))
                guard !files.isEmpty else { continue }
                var entries: [CassetteReportPage.Entry] = []
                for file in files {
                    let (report, cassette) = await ScenarioRunner.replay(file)
                    entries.append(CassetteReportPage.entry(report, cassette: cassette))
                }
                sections.append(.init(region: region, entries: entries))
            }
            let destination =
                out.map { URL(fileURLWithPath: $0) }
                ?? OutputLocations(environment: ProcessInfo.processInfo.environment).evidenceDirectory
                .appendingPathComponent("cassettes.html")
            let page = CassetteReportPage.render(title: "Cassettes in \(dir)", generatedAt: Date(), sections: sections)
            try AtomicFile.write(Data(page.utf8), to: destination)
            let failed = sections.flatMap(\.entries).filter { !$0.passed }.count
            printOutput("wrote \(destination.path): \(sections.flatMap(\.entries).count) scenarios, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
