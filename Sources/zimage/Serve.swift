import ArgumentParser
import Foundation
import ZImage
import ZImageCassettes
import ZImageCommandSupport
import ZImageContract
import ZImageContractSuite
import ZImageRehearsal
import ZImageSimulator

/// `zimage serve`: a DashScope look-alike on loopback, for trying the client (or any HTTP client) without an account.
/// Three subcommands: `simulate`, `cassettes DIR` and `tls`. The flags of the release before (`--simulate`,
/// `--cassettes DIR`, `--tls`) still work for one release (``translatingDeprecatedFlags(_:)``), each with a line on
/// stderr naming its replacement.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a local DashScope simulator, a folder of cassettes, or a TLS rehearsal, until interrupted.",
        discussion: """
            Examples:
              zimage serve simulate --port 8080
              zimage serve cassettes cassettes/beijing --port 8080
              zimage serve tls --ca-out /tmp/rehearsal-ca.pem --port 8443

            Whatever it serves, a slow client cannot hold it down: a connection gets 10 s for its TLS handshake and a \
            whole request head, 30 s for a body and 60 s idle between requests, then it is closed; at most 256 \
            connections are held (fewer when `ulimit -n` is low: 64 descriptors stay free), a new one beyond that \
            closing the longest-held idle one (or, when all are mid-request, itself); bodies over 1 MiB get 413; the log \
            keeps the last 1,000 requests, so memory stays flat however long it runs. `Expect: 100-continue` is answered.

            Stop it with Ctrl-C (SIGINT) or SIGTERM.
            """,
        subcommands: [Simulate.self, Cassettes.self, TLS.self]
    )

    /// The arguments of the release before the subcommands (`serve --simulate …`, `serve --cassettes DIR …`,
    /// `serve --tls …`, `serve …` alone) rewritten to the subcommand they became, with the line that says so; kept for
    /// one release. Arguments that name a subcommand, or ask for help, are returned as they are.
    ///
    /// - Throws: `ValidationError` for flags that never went together.
    static func translatingDeprecatedFlags(_ arguments: [String]) throws -> (arguments: [String], notice: String?) {
        guard let serve = arguments.firstIndex(of: "serve"), arguments[..<serve].allSatisfy({ !$0.hasPrefix("-") })
        else {
            return (arguments, nil)
        }
        var rest = Array(arguments[(serve + 1)...])
        if let first = rest.first, ["simulate", "cassettes", "tls", "help", "--help", "-h"].contains(first) {
            return (arguments, nil)
        }
        let simulate = rest.contains("--simulate")
        let tls = rest.contains("--tls")
        let cassettes = rest.firstIndex { $0 == "--cassettes" || $0.hasPrefix("--cassettes=") }
        if cassettes != nil && simulate {
            throw ValidationError("--simulate and --cassettes were both given; allowed: one of them")
        }
        if cassettes != nil && tls {
            throw ValidationError("--tls and --cassettes were both given; allowed: --tls with --simulate only")
        }
        rest.removeAll { $0 == "--simulate" || $0 == "--tls" }
        let replacement: [String]
        let notice: String
        if tls {
            replacement = ["tls"]
            notice = "`serve --tls` is deprecated and goes in the next release; use `zimage serve tls --ca-out FILE`"
        } else if let at = rest.firstIndex(where: { $0 == "--cassettes" || $0.hasPrefix("--cassettes=") }) {
            var folder: [String] = []
            if rest[at] == "--cassettes" {
                if at + 1 < rest.count { folder = [rest.remove(at: at + 1)] }
            } else {
                folder = [String(rest[at].dropFirst("--cassettes=".count))]
            }
            rest.remove(at: at)
            replacement = ["cassettes"] + folder
            notice =
                "`serve --cassettes DIR` is deprecated and goes in the next release; use `zimage serve cassettes DIR`"
        } else {
            replacement = ["simulate"]
            notice =
                simulate
                ? "`serve --simulate` is deprecated and goes in the next release; use `zimage serve simulate`"
                : "`serve` without a subcommand is deprecated and goes in the next release; use `zimage serve simulate`"
        }
        return (Array(arguments[...serve]) + replacement + rest, "zimage: \(notice)")
    }

    /// Where a server listens.
    struct Listener: ParsableArguments {
        @Option(help: "Address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on; 0 picks a free one.")
        var port = 0

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port is \(port); allowed: 0 to 65535") }
        }
    }

    /// The keys a simulator accepts.
    struct AcceptedKeys: ParsableArguments {
        @Option(name: .customLong("accept-key"), help: "A key the simulator accepts (repeatable).")
        var acceptedKeys: [String] = ["sk-test-local"]

        /// How many keys are accepted, and which when all are test keys (another key is never printed).
        var shown: String {
            let shown =
                acceptedKeys.allSatisfy { $0.hasPrefix("sk-test-") }
                ? acceptedKeys.joined(separator: ", ") : "given with --accept-key"
            return "\(acceptedKeys.count) (\(shown))"
        }
    }

    /// `zimage serve simulate`.
    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate DashScope's z-image-turbo API on loopback.",
            discussion: """
                The simulator answers the generation endpoint as docs/CONTRACT.md describes, serves real PNGs of the \
                requested size from the same server, and lists the model for probes. It accepts only the keys given with \
                --accept-key (sk-test-local by default); any other key gets 401 InvalidApiKey.

                Example:
                  zimage serve simulate --port 8080
                  curl -s http://127.0.0.1:8080\(DashScopeAPI.generationPath) \\
                    -H 'Authorization: Bearer sk-test-local' -H 'Content-Type: application/json' \\
                    -d '{"model":"z-image-turbo","input":{"messages":[{"role":"user","content":[{"text":"a lake"}]}]},"parameters":{"size":"1024*1024"}}'
                """)

        @OptionGroup var listener: Listener
        @OptionGroup var keys: AcceptedKeys

        @Option(help: "Region whose answers to imitate.")
        var region: Region = .beijing

        func run() async throws {
            try await Self.serve(region: region, listener: listener, keys: keys)
        }

        static func serve(region: Region, listener: Listener, keys: AcceptedKeys) async throws {
            let backend = DashScopeSimulation(region: region, acceptedKeys: Set(keys.acceptedKeys))
            let server = try await Serve.listen(listener, backend: backend)
            printOutput("Simulating DashScope (\(region.displayName)) at \(server.baseURL.absoluteString)")
            printOutput("  generation endpoint: \(server.generationURL.absoluteString)")
            printOutput("  models (probe):      \(server.baseURL.absoluteString)\(DashScopeAPI.modelsPath)")
            printOutput("  accepted keys:       \(keys.shown)")
            printOutput("Press Ctrl-C to stop.")
            let signal = await Serve.nextTerminationSignal()
            printOutput(
                "Received \(signal), stopping after \(server.requestCount) requests on \(server.acceptedConnections) connections."
            )
            await server.shutdown()
        }
    }

    /// `zimage serve cassettes DIR`.
    struct Cassettes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer any HTTP client from a folder of cassettes.",
            discussion: """
                Answers with the replaying transport's matching (scheme and host aside), image URLs pointing back at the \
                server, and 404 NoRecordedResponse with the nearest match for a request it has no answer for. Every \
                cassette is validated whole first: one that is not sound stops the command (exit 2) before it listens.

                Example:
                  zimage serve cassettes cassettes/beijing --port 8080
                """)

        @Argument(help: ArgumentHelp("The folder of cassettes to serve.", valueName: "dir"))
        var folder: String

        @OptionGroup var listener: Listener

        func run() async throws {
            try await Self.serve(folder: folder, listener: listener)
        }

        static func serve(folder: String, listener: Listener) async throws {
            _ = try CassettesCommand.cassetteFiles(in: folder)
            let backend = try CassetteBackend(folder: URL(fileURLWithPath: folder), rules: .dashScope) { line in
                printError("zimage serve: \(untrusted: line)")
            }
            let server = try await Serve.listen(listener, backend: backend)
            printOutput(
                "Replaying \(backend.interactionCount) recorded exchanges from \(folder) at \(server.baseURL.absoluteString)"
            )
            printOutput("  generation endpoint: \(server.generationURL.absoluteString)")
            printOutput("Press Ctrl-C to stop.")
            let signal = await Serve.nextTerminationSignal()
            printOutput("Received \(signal), stopping after \(server.requestCount) requests.")
            await server.shutdown()
        }
    }

    /// `zimage serve tls`.
    struct TLS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tls",
            abstract: "Rehearse the live path: both regions over TLS and HTTP/2 under DashScope's real hostnames.",
            discussion: """
                One port, TLS 1.2 or later, HTTP/2 or HTTP/1.1 by ALPN, serving both regions under DashScope's real \
                hostnames (each region's API host and the OSS host of its image URLs) with certificates from a throwaway \
                authority made at start. The authority's certificate is written to --ca-out; its key never leaves the \
                process. Point a live command at it without changing a URL, verification on:
                  zimage serve tls --ca-out /tmp/rehearsal-ca.pem --port 8443
                  ZIMAGE_CONNECT_TO=<the routes it prints> zimage probe --ca-file /tmp/rehearsal-ca.pem
                --tls-fault plays a TLS fault on every connection: reset-handshake (a TCP reset after the client's first \
                handshake message) or wrong-name (a certificate for simulator.invalid). `make rehearse` runs every live \
                command this way.
                """)

        @Option(help: ArgumentHelp("Where to write the throwaway CA certificate clients trust.", valueName: "file"))
        var caOut: String

        @Option(
            help: ArgumentHelp(
                "A TLS fault on every connection (\(TLSFault.allCases.map(\.rawValue).joined(separator: ", "))).",
                valueName: "fault"))
        var tlsFault: TLSFault?

        @OptionGroup var listener: Listener
        @OptionGroup var keys: AcceptedKeys

        func run() async throws {
            try await Self.rehearse(caOut: URL(fileURLWithPath: caOut), fault: tlsFault, listener: listener, keys: keys)
        }

        /// Both regions over TLS under the real hostnames, until interrupted.
        static func rehearse(caOut: URL, fault: TLSFault?, listener: Listener, keys: AcceptedKeys) async throws {
            let rehearsal: DashScopeRehearsal
            do {
                rehearsal = try await DashScopeRehearsal.start(
                    host: listener.host, port: listener.port,
                    acceptedKeys: Set(keys.acceptedKeys), fault: fault)
            } catch {
                printError("zimage: cannot listen on \(listener.host):\(listener.port) with TLS: \(error)")
                throw ExitCode(1)
            }
            do {
                try rehearsal.authority.writeCertificate(to: caOut)
            } catch {
                printError("zimage: cannot write the CA certificate to \(caOut.path): \(error)")
                await rehearsal.shutdown()
                throw ExitCode(1)
            }
            let server = rehearsal.server
            let expires = ISO8601DateFormatter().string(from: rehearsal.authority.expires)
            printOutput(
                "Rehearsing DashScope over TLS (HTTP/2 or HTTP/1.1) at \(server.host):\(server.port), both regions")
            printOutput("  hosts:           \(DashScopeRehearsal.hostNames.joined(separator: ", "))")
            printOutput("  CA certificate:  \(caOut.path) (throwaway, valid until \(expires)); trust it with --ca-file")
            if let fault { printOutput("  TLS fault:       \(fault.rawValue), on every connection") }
            printOutput("  accepted keys:   \(keys.shown)")
            printOutput("  routes:          ZIMAGE_CONNECT_TO=\(rehearsal.routes.joined(separator: ","))")
            printOutput("Press Ctrl-C to stop.")
            let signal = await Serve.nextTerminationSignal()
            let requests = server.requests
            printOutput(
                "Received \(signal), stopping after \(server.requestCount) requests on \(server.acceptedConnections) connections."
            )
            // Per host: how many requests, and how many carried Authorization (an image host must never see one).
            for name in DashScopeRehearsal.hostNames {
                let sent = requests.filter { $0.hostName == name }
                printOutput(
                    "  \(name): \(sent.count) requests, \(sent.filter(\.hadAuthorization).count) with Authorization")
            }
            await rehearsal.shutdown()
        }
    }

    /// Starts a plain-HTTP server for `backend`; a port that cannot be had exits 1, saying so.
    static func listen(_ listener: Listener, backend: any SimulatorBackend) async throws -> SimulatorServer {
        do {
            return try await SimulatorServer.start(host: listener.host, port: listener.port, backend: backend)
        } catch {
            printError("zimage: cannot listen on \(listener.host):\(listener.port): \(error)")
            throw ExitCode(1)
        }
    }

    /// Waits for SIGINT or SIGTERM and returns its name.
    static func nextTerminationSignal() async -> String {
        await withCheckedContinuation { continuation in
            let once = SignalOnce(continuation)
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
                source.setEventHandler { once.resume(name) }
                source.resume()
                once.keep(source)
            }
        }
    }
}

/// Resumes a continuation with the first signal's name, keeping the signal sources alive until then.
private final class SignalOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<String, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<String, Never>) {
        self.continuation = continuation
    }

    func keep(_ source: any DispatchSourceSignal) {
        lock.withLock { sources.append(source) }
    }

    func resume(_ name: String) {
        let continuation = lock.withLock { () -> CheckedContinuation<String, Never>? in
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.resume(returning: name)
    }
}

/// `--tls-fault` takes `reset-handshake` or `wrong-name`.
extension TLSFault: ExpressibleByArgument {}
