import Foundation
import ZImage
import ZImageCassettes
import ZImageContract

/// What each fuzz target feeds its bytes to. Every input must end in a value or a thrown error: a crash, a trap, an
/// overflow or a hang is a finding (FUZZING.md).
enum FuzzTarget: String, CaseIterable {
    case json, cassette, success, error, png, credentials, request, pipeline

    /// Runs the target on one input.
    func run(_ data: Data) {
        switch self {
        case .json:
            // The parser, and the round trip of what it accepts: canonical bytes must parse to the same value.
            if let value = try? CanonicalJSON.parse(data) {
                let again = try? CanonicalJSON.parse(value.data)
                precondition(again == value, "canonical JSON did not read back the same")
                _ = value.prettyData
            }
        case .cassette:
            _ = try? CassetteFile.load(data, from: URL(fileURLWithPath: "/nonexistent/fuzz.json"), rules: .dashScope)
        case .success:
            _ = try? WireFormat.decodeSuccess(data, for: ImageRequest(prompt: "fuzz"))
        case .error:
            _ = WireFormat.decodeError(data)
        case .png:
            let whole = Result { () throws(PNGImage.Problem) in try PNGImage(verifying: data) }
            if case .success(let image) = whole {
                precondition(image.width >= 1 && image.height >= 1, "a verified PNG has no pixels")
            }
            // The streamed verification (a download) must agree with the whole one, wherever the pieces are cut.
            let piece = 1 + Int(data.first ?? 0) % 64
            let streamed = Result { () throws(PNGImage.Problem) in try PNGImage.verifying(data, inPiecesOf: piece) }
            precondition(streamed == whole, "the streamed verification disagrees with the whole one")
        case .credentials:
            _ = INIFile(parsing: String(decoding: data, as: UTF8.self))
        case .request:
            _ = try? RequestFields(json: data, source: "fuzz").request()
        case .pipeline:
            Self.pipeline(data)
        }
    }

    /// A cassette that loads is used as every reader uses it: each recorded request replayed (and its answer turned
    /// into an HTTP response), a miss explained, HAR exported, the scenario replayed through the client and its report
    /// page rendered. What the schema accepts, none of these may trap on.
    static func pipeline(_ data: Data) {
        // Beside the committed Beijing cassettes (run from the repository's root), so body files resolve as they do there.
        let file = URL(fileURLWithPath: "cassettes/beijing/fuzz.json")
        guard let cassette = try? CassetteFile.load(data, from: file, rules: .dashScope) else { return }
        let transport = ReplayingTransport(cassette: cassette, path: file.path, rules: .dashScope)
        for interaction in cassette.interactions {
            if let index = transport.answer(interaction.request) { _ = cassette.interactions[index].response.http }
            var other = interaction.request
            other.url += other.url.contains("?") ? "&fuzz=1" : "?fuzz=1"
            _ = transport.miss(other).description
        }
        _ = try? HARExporter.export(cassette, comment: "fuzz", creator: ("zimage", ZImageVersion.current))
        let done = DispatchSemaphore(value: 0)
        Task {
            let report = await ScenarioRunner.run(cassette, file: file.path)
            _ = CassetteReportPage.render(
                title: "fuzz", generatedAt: Date(),
                sections: [.init(region: "fuzz", entries: [CassetteReportPage.entry(report, cassette: cassette)])])
            done.signal()
        }
        done.wait()
    }

    /// The target named by `ZIMAGE_FUZZ_TARGET`.
    static var fromEnvironment: FuzzTarget {
        let name = ProcessInfo.processInfo.environment["ZIMAGE_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(
                Data("zimage-fuzz: set ZIMAGE_FUZZ_TARGET to one of \(allCases.map(\.rawValue))\n".utf8))
            exit(2)
        }
        return target
    }
}

#if FUZZING
    /// libFuzzer's driver: SwiftPM renames an executable's entry point, so libFuzzer's own `main` is not linked in, and the
    /// driver is called from ours.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// libFuzzer's callback, for when the linker keeps libFuzzer's own `main` rather than ours.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        Fuzz.target.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
        return 0
    }

    /// Built with `-sanitize=fuzzer,address -D FUZZING` (`make fuzz`): libFuzzer runs the target named by ZIMAGE_FUZZ_TARGET.
    @main
    enum Fuzz {
        static let target = FuzzTarget.fromEnvironment

        static func main() {
            _ = target
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(
                runFuzzerDriver(&argc, &argv) { bytes, count in
                    Fuzz.target.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
                    return 0
                })
        }
    }
#else
    /// Without libFuzzer: `zimage-fuzz TARGET FILE…` runs the target over files (a corpus, or a crash to reproduce).
    @main
    enum ReplayCorpus {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
                print("usage: zimage-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE…")
                exit(2)
            }
            for file in arguments.dropFirst() {
                target.run(FileManager.default.contents(atPath: file) ?? Data())
            }
            print("\(arguments.count - 1) inputs through \(name): no crash")
        }
    }
#endif
