import Foundation
import ZImage
import ZImageCassettes
import ZImageContract
import ZImageContractSuite

/// What each fuzz target feeds its bytes to. Every input must end in a value or a thrown error: a crash, a trap, an
/// overflow or a hang is a finding (FUZZING.md).
enum FuzzTarget: String, CaseIterable {
    case json, cassette, success, error, png, credentials, request, pipeline, redirect

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
            Self.credentials(data)
        case .request:
            _ = try? RequestFields(json: data, source: "fuzz").request()
        case .pipeline:
            Self.pipeline(data)
        case .redirect:
            RedirectFuzzing.run(data)
        }
    }

    /// A home folder of the fuzzer's own, whose credentials file each `credentials` input becomes.
    static let home: URL = {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-fuzz-home-\(getpid())")
        try? FileManager.default.createDirectory(
            at: home.appendingPathComponent(".alibabacloud"), withIntermediateDirectories: true)
        return home
    }()

    /// The input is the credentials file, read the way every command reads it (an input whose first byte is 0xFF is
    /// repeated past the size bound first). A key comes back only when the parser finds one in `[default]`; a refusal
    /// is `missingCredentials` and repeats no value of the file, a key or anything else.
    static func credentials(_ data: Data) {
        var bytes = data
        if data.first == 0xFF {
            while bytes.count <= Credentials.maximumFileSize { bytes += data.isEmpty ? Data([0]) : data }
        }
        let file = home.appendingPathComponent(Credentials.relativeFilePath)
        guard (try? bytes.write(to: file)) != nil else { preconditionFailure("the fuzz home folder is not writable") }
        let parsed = String(validating: bytes, as: UTF8.self).map(INIFile.init(parsing:))
        do {
            let found = try Credentials.resolve(environment: [:], homeDirectory: home.path)
            precondition(bytes.count <= Credentials.maximumFileSize, "a file over the bound was read")
            let expected = parsed?.sections["default"]?[Credentials.fileOption]
            precondition(found.apiKey.value == expected, "the key read is not the one the parser finds in [default]")
        } catch let error as ZImageError {
            precondition(error.code == .missingCredentials, "not missingCredentials: \(error)")
            // The text around the file's problem is ours (the variable, the profile, the path); the problem must be
            // one of the fixed sentences, then line numbers at most: nothing of the file's content.
            let text = error.description
            guard let start = text.range(of: "\(file.path): ") else {
                preconditionFailure("the path is not named: \(text)")
            }
            var problem = String(text[start.upperBound...].dropLast(2))
            if let lines = problem.range(of: "; line") {
                let numbers = problem[lines.upperBound...].drop { $0 == "s" }
                    .prefix { $0.isNumber || $0 == "," || $0 == " " }
                precondition(
                    problem[lines.upperBound...].hasSuffix("could not be read as `[profile]` or `name = value`")
                        && !numbers.isEmpty, "more than line numbers after the problem: \(text.debugDescription)")
                problem = String(problem[..<lines.lowerBound])
            }
            let sentences = [
                "it is larger than \(Credentials.maximumFileSize / 1024) KiB, far more than any credentials file: it was not "
                    + "read (is it the right file?)",
                "it is not UTF-8 text (save it as UTF-8)", "no [default] profile",
                "profile [default] has no \(Credentials.fileOption)",
            ]
            precondition(sentences.contains(problem), "an unknown refusal: \(text.debugDescription)")
            precondition(
                (bytes.count > Credentials.maximumFileSize) == (problem == sentences[0]),
                "the size bound misjudged \(bytes.count) bytes: \(text)")
        } catch {
            preconditionFailure("Credentials.resolve threw \(type(of: error))")
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
