import ArgumentParser
import Foundation
import Logging
import ZImage
import ZImageCassettes
import ZImageCommandSupport
import ZImageContract
import ZImageContractSuite
import ZImageCurl

/// `zimage generate`: the skill's interface (`--request`/`--file`, `--output`, `--print-response`) and plain flags.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate one image and save it as a PNG.",
        discussion: """
            The request comes from flags, from --request JSON or --file PATH (the skill's fields: \
            \(RequestFields.names.joined(separator: ", "))), or both: flags override the JSON's fields. Nothing is sent \
            until the request is valid: a prompt of 1 to \(GenerationParameters.maxPromptLength) characters, a size W*H \
            of 512*512 to 2048*2048 pixels in all (600*500 and 4096*1024 too), a seed \
            \(GenerationParameters.allowed(.seed)).

            Examples:
              zimage generate --prompt "A calm lake at dawn" --size 1024*1536 --seed 7
              zimage generate --request '{"prompt":"A calm lake at dawn","size":"1024*1024"}' --output lake.png --print-response
              zimage generate --file request.json --region singapore

            The image goes to --output, else to $OUTPUT_DIR/ai-image-zimage-turbo/images/ (OUTPUT_DIR defaults to \
            ./output) under a name made of the prompt and the request id, never over an earlier image. Each generation \
            appends a line of evidence to $OUTPUT_DIR/alicloud-ai-image-zimage-turbo/generations.jsonl. stdout gets the \
            image's path, or with --print-response the normalized JSON (image_url, width, height, prompt, \
            rewritten_prompt, reasoning, request_id).

            --mode record --cassette PATH records the exchanges (redacted) into a cassette, with --record-mode once (the \
            default: record if the cassette does not exist, else replay), new-episodes, update (new-episodes that also \
            drops what was not requested) or all; recorded against a \
            --base-url (the simulator), URLs are stored under the region's real endpoints. --mode replay answers from the \
            cassette without any network and without a key (--base-url is ignored: cassettes hold the real endpoints).
              zimage generate --mode replay --cassette cassettes/beijing/basic-generation.json \
                --prompt "A calm lake at dawn, a lone angler casting a line, cinematic lighting" --seed 1234

            Failures are retried when the API allows it (429 and 5xx, refused connections), with backoff.
            Exit codes: 0 success, 1 API or network failure, 2 invalid input, 3 missing credentials.
            """
    )

    @Option(help: ArgumentHelp("The request as JSON, the skill's way.", valueName: "json"))
    var request: String?

    @Option(help: ArgumentHelp("Read the request JSON from a file ('-' for stdin).", valueName: "path"))
    var file: String?

    @Option(help: "What to draw: 1 to \(GenerationParameters.maxPromptLength) characters.")
    var prompt: String?

    @Option(
        help: ArgumentHelp(
            "Image size W*H (or WxH), W·H from 512*512 to 2048*2048 pixels [default: 1024*1024].",
            valueName: "W*H"))
    var size: String?

    @Option(help: "Random seed, \(GenerationParameters.allowed(.seed)) [default: none].")
    var seed: Int?

    @Flag(inversion: .prefixedNo, help: "Let DashScope rewrite the prompt first (slower, billed higher) [default: no].")
    var promptExtend: Bool?

    @Option(help: "Region of the API key.")
    var region: Region = .beijing

    @Option(
        help: ArgumentHelp(
            "Full endpoint URL to use instead of the region's (also DASHSCOPE_BASE_URL).", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Where to save the PNG (a file, replaced whole, or a folder).", valueName: "path"))
    var output: String?

    @Flag(help: "Print the normalized response JSON on stdout.")
    var printResponse = false

    @Option(help: "live (the default), record or replay.")
    var mode: Mode = .live

    @Option(
        help: ArgumentHelp("The cassette to record to or replay from (with --mode record|replay).", valueName: "path"))
    var cassette: String?

    @Option(help: "once (the default), new-episodes, update or all (with --mode record).")
    var recordMode: RecordMode?

    @Option(help: "Attempts in all, retries included.")
    var maxAttempts: Int = 4

    @OptionGroup var transportOptions: TransportOptions

    @Flag(name: .shortAndLong, help: "No progress line.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Log requests and responses to stderr (the key is never shown).")
    var verbose = false

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case live, record, replay
    }

    func validate() throws {
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts is \(maxAttempts); allowed: 1 or more") }
        if request != nil && file != nil {
            throw ValidationError(
                "--request and --file were both given; allowed: one of --request JSON and --file PATH")
        }
        switch mode {
        case .live:
            guard cassette == nil, recordMode == nil else {
                throw ValidationError(
                    "--cassette and --record-mode apply only to --mode record or replay; allowed: none with --mode live"
                )
            }
        case .replay:
            guard cassette != nil else {
                throw ValidationError("--cassette is missing; allowed: the cassette file to replay, with --mode replay")
            }
            guard recordMode?.records != true else {
                throw ValidationError(
                    "--record-mode is \(recordMode?.rawValue ?? ""); allowed: none (or leave it out) with --mode replay"
                )
            }
        case .record:
            guard cassette != nil else {
                throw ValidationError("--cassette is missing; allowed: the cassette file to record, with --mode record")
            }
        }
    }

    /// The client mode the flags ask for (``validate()`` made sure a cassette is given where one is needed).
    private var clientMode: ClientMode {
        switch (mode, cassette) {
        case (.replay, let path?): .cassette(URL(fileURLWithPath: path), .none)
        case (.record, let path?): .cassette(URL(fileURLWithPath: path), recordMode ?? .once)
        default: .live
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var request = try readFields()
            .overridden(
                by: RequestFields(
                    prompt: prompt,
                    parameters: GenerationParameters(size: size, seed: seed, promptExtend: promptExtend),
                    baseURL: baseURL)
            )
            .withDefaultBaseURL(environment["DASHSCOPE_BASE_URL"])
            .request()
        let locations = OutputLocations(environment: environment)
        let explicitOutput = try explicitOutput()

        let prepared = try clientMode.prepare(
            region: region, baseURL: request.baseURL, environment: environment, rules: Self.cassetteRules
        ) {
            try makeTransport()
        }
        request.baseURL = prepared.baseURL
        var logger = Logger(label: "zimage")
        logger.logLevel = verbose ? .debug : .error
        let progress = ProgressLine(enabled: isInteractive && !quiet)
        let client = prepared.client(region: region, retryPolicy: RetryPolicy(maxAttempts: maxAttempts), logger: logger)

        let started = Date()
        let clock = ContinuousClock.now
        defer { progress.finish() }
        let generation: ZImageClient.Generation
        let image: DownloadedImage
        do {
            progress.show("Generating \(request.size) in \(region.displayName)…")
            generation = try await client.generateReporting(request)
            progress.show("Downloading the image…")
            let destination =
                switch explicitOutput {
                case .file(let file): file
                case .folder(let folder): Self.freshImagePath(in: folder, for: generation.result)
                case nil: Self.freshImagePath(in: locations.imagesDirectory, for: generation.result)
                }
            image = try await client.downloadImage(generation.result, to: destination)
        } catch {
            // A recording that failed is not written: say which cassette was kept, then fail with the cause.
            progress.finish()
            do {
                try await prepared.cassette?.commit(after: error)
            } catch let kept as CassetteError where kept.code == .recordingKept {
                printError("zimage: \(untrusted: kept)")
            }
            throw error
        }
        progress.finish()
        try await prepared.cassette?.commit()

        let evidence = GenerationEvidence(
            startedAt: started, region: region, request: request, generation: generation,
            image: image, duration: clock.duration(to: .now))
        do {
            try evidence.append(to: locations.generationsLog)
        } catch {
            printError(
                "zimage: warning: the evidence line could not be written to \(locations.generationsLog.path): \(error)")
        }
        if printResponse {
            let encoder = WireFormat.canonicalEncoder
            encoder.outputFormatting.insert(.prettyPrinted)
            printOutput(String(decoding: try encoder.encode(generation.result), as: UTF8.self))
            if !quiet { printError("zimage: saved \(image.path.path) (\(image.width)*\(image.height))") }
        } else {
            printOutput(image.path.path)
        }
    }

    /// The fields of --request or --file, or none (``validate()`` refused both).
    private func readFields() throws -> RequestFields {
        switch (request, file) {
        case (let json?, _):
            return try RequestFields(json: Data(json.utf8), source: "--request")
        case (nil, let path?):
            let data: Data
            do {
                data =
                    path == "-"
                    ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw invalid(
                    "file", "\(path) cannot be read (\((error as NSError).localizedDescription))",
                    "a readable JSON file, or - for stdin")
            }
            return try RequestFields(json: data, source: path)
        case (nil, nil):
            return RequestFields()
        }
    }

    /// Where --output sends the image.
    enum OutputTarget {
        /// This file (or device: `/dev/stdout`, a FIFO), written as ``AtomicFile`` writes.
        case file(URL)
        /// A fresh name in this folder (an existing folder, or a path ending in `/`, created as needed).
        case folder(URL)
    }

    /// The --output target, or `nil` for a fresh name in the images folder. Refused up front, before anything is sent:
    /// an empty path, and a destination that is neither a file, a folder nor a stream (a block device).
    private func explicitOutput() throws -> OutputTarget? {
        guard let output else { return nil }
        guard !output.isEmpty else { throw invalid("output", "is empty", "a file path or a folder") }
        let url = URL(fileURLWithPath: output)
        switch FileKind.resolving(output) {
        case .directory: return .folder(url)
        case .missing where output.hasSuffix("/"): return .folder(url)
        case .missing, .regular, .stream: return .file(url)
        case .symbolicLink, .other:
            throw invalid(
                "output", "is \(output), which is neither a file, a folder nor a stream",
                "a file path, a folder, or a device such as /dev/stdout")
        }
    }

    /// DashScope's cassette rules, with advice in this command's own flags.
    static let cassetteRules: CassetteRules = {
        var rules = CassetteRules.dashScope
        rules.reRecordingHint =
            "run with --mode record --record-mode update (records what changed, drops what is no longer sent), "
            + "new-episodes (only adds what is missing) or all (records everything again)"
        return rules
    }()

    private func makeTransport() throws -> CurlTransport {
        do {
            return try transportOptions.makeTransport()
        } catch let error as TransportError {
            throw ZImageError.transport(error)
        }
    }

    /// `<slug of the prompt>-<start of the request id>.png` in `folder`, with `-2`, `-3`… when that name is taken.
    static func freshImagePath(in folder: URL, for result: ImageResult) -> URL {
        let slug = result.prompt.lowercased().unicodeScalars
            .map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-" }
            .reduce(into: "") { text, character in
                if character != "-" || (text.last != "-" && !text.isEmpty) { text.append(character) }
            }
        let stem = String(slug.prefix(40)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        let id = result.requestID.filter { $0.isLetter || $0.isNumber }.prefix(8)
        let base = [stem.isEmpty ? "image" : stem, String(id)].filter { !$0.isEmpty }.joined(separator: "-")
        var candidate = folder.appendingPathComponent("\(base).png")
        var counter = 2
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = folder.appendingPathComponent("\(base)-\(counter).png")
            counter += 1
        }
        return candidate
    }

    private func invalid(_ field: String, _ problem: String, _ allowed: String) -> ZImageError {
        .invalidRequest(.init(field: field, problem: problem, allowed: allowed))
    }
}

extension RequestFields {
    /// These fields with `baseURL` filled from `value` when neither flags nor JSON gave one.
    fileprivate func withDefaultBaseURL(_ value: String?) -> RequestFields {
        guard baseURL == nil, let value, !value.isEmpty else { return self }
        return overridden(by: RequestFields(baseURL: value))
    }
}
