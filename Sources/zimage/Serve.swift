import ArgumentParser
import Foundation
import ZImage
import ZImageCassettes
import ZImageCommandSupport
import ZImageContract
import ZImageRehearsal
import ZImageSimulator

/// `zimage serve`: a DashScope look-alike on loopback, for trying the client (or any HTTP client) without an account.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a local DashScope simulator, or a folder of cassettes, until interrupted.",
        discussion: """
            The simulator answers the z-image-turbo generation endpoint as docs/CONTRACT.md describes, serves real PNGs of \
            the requested size from the same server, and lists the model for probes. It accepts only the keys given \
            with --accept-key (sk-test-local by default); any other key gets 401 InvalidApiKey.

            Example:
              zimage serve --simulate --port 8080
              curl -s http://127.0.0.1:8080\(DashScopeAPI.generationPath) \\
                -H 'Authorization: Bearer sk-test-local' -H 'Content-Type: application/json' \\
                -d '{"model":"z-image-turbo","input":{"messages":[{"role":"user","content":[{"text":"a lake"}]}]},"parameters":{"size":"1024*1024"}}'

            With --cassettes DIR it answers any HTTP client from the cassettes under DIR instead, with the replaying \
            transport's matching (scheme and host aside), image URLs pointing back at the server, and 404 \
            NoRecordedResponse with the nearest match for a request it has no answer for:
              zimage serve --cassettes cassettes/beijing --port 8080

            With --tls it rehearses the live path: one port, TLS 1.2 or later, HTTP/2 or HTTP/1.1 by ALPN, serving both \
            regions under DashScope's real hostnames (each region's API host and the OSS host of its image URLs) with \
            certificates from a throwaway authority made at start. The authority's certificate is written to --ca-out; \
            its key never leaves the process. Point a live command at it without changing a URL, verification on:
              zimage serve --tls --ca-out /tmp/rehearsal-ca.pem --port 8443
              ZIMAGE_CONNECT_TO=<the routes it prints> zimage probe --ca-file /tmp/rehearsal-ca.pem
            --tls-fault plays a TLS fault on every connection: reset-handshake (a TCP reset after the client's first \
            handshake message) or wrong-name (a certificate for simulator.invalid). `make rehearse` runs every live \
            command this way.

            Whatever it serves, a slow client cannot hold it down: a connection gets 10 s for its TLS handshake and a \
            whole request head, 30 s for a body and 60 s idle between requests, then it is closed; at most 256 \
            connections are held (fewer when `ulimit -n` is low: 64 descriptors stay free), a new one beyond that \
            closing the longest-held idle one (or, when all are mid-request, itself); bodies over 1 MiB get 413; the log keeps the last 1,000 requests, so memory stays flat \
            however long it runs. `Expect: 100-continue` is answered.

            Stop it with Ctrl-C (SIGINT) or SIGTERM.
            """
    )

    @Flag(help: "Simulate DashScope (the default).")
    var simulate = false

    @Option(help: ArgumentHelp("Serve the cassettes under this folder instead of simulating.", valueName: "dir"))
    var cassettes: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 0

    @Option(help: "Region whose answers to imitate.")
    var region: Region = .beijing

    @Option(name: .customLong("accept-key"), help: "A key the simulator accepts (repeatable).")
    var acceptedKeys: [String] = ["sk-test-local"]

    @Flag(help: "Simulate both regions over TLS and HTTP/2 under DashScope's real hostnames (a rehearsal; needs --ca-out).")
    var tls = false

    @Option(help: ArgumentHelp("With --tls: where to write the throwaway CA certificate clients trust.", valueName: "file"))
    var caOut: String?

    @Option(help: ArgumentHelp("With --tls: a TLS fault on every connection (\(TLSFault.allCases.map(\.rawValue).joined(separator: ", "))).",
                               valueName: "fault"))
    var tlsFault: TLSFault?

    func validate() throws {
        if cassettes != nil && simulate {
            throw ValidationError("--simulate and --cassettes were both given; allowed: one of them")
        }
        if tls && cassettes != nil {
            throw ValidationError("--tls and --cassettes were both given; allowed: --tls with --simulate only")
        }
        if tls && caOut == nil {
            throw ValidationError("--tls needs --ca-out FILE: where to write the throwaway CA certificate that clients pass as --ca-file")
        }
        if !tls && (caOut != nil || tlsFault != nil) {
            throw ValidationError("--\(caOut != nil ? "ca-out" : "tls-fault") applies only with --tls")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port is \(port); allowed: 0 to 65535") }
    }

    func run() async throws {
        if tls, let caOut { return try await rehearse(caOut: URL(fileURLWithPath: caOut)) }
        let backend: any SimulatorBackend
        var replayed: CassetteBackend?
        if let cassettes {
            do {
                let loaded = try CassetteBackend(folder: URL(fileURLWithPath: cassettes), rules: .dashScope) { line in
                    printError("zimage serve: \(untrusted: line)")
                }
                replayed = loaded
                backend = loaded
            } catch {
                printError("zimage: \(error)")
                throw ExitCode(2)
            }
        } else {
            backend = DashScopeSimulation(region: region, acceptedKeys: Set(acceptedKeys))
        }
        let server: SimulatorServer
        do {
            server = try await SimulatorServer.start(host: host, port: port, backend: backend)
        } catch {
            printError("zimage: cannot listen on \(host):\(port): \(error)")
            throw ExitCode(1)
        }
        // Written straight to the file descriptor, unbuffered: a script reading the port must see it at once.
        if let replayed, let cassettes {
            printOutput("Replaying \(replayed.interactionCount) recorded exchanges from \(cassettes) at \(server.baseURL.absoluteString)")
            printOutput("  generation endpoint: \(server.generationURL.absoluteString)")
            printOutput("Press Ctrl-C to stop.")
            let signal = await Self.nextTerminationSignal()
            printOutput("Received \(signal), stopping after \(server.requestCount) requests.")
            await server.shutdown()
            return
        }
        printOutput("Simulating DashScope (\(region.displayName)) at \(server.baseURL.absoluteString)")
        printOutput("  generation endpoint: \(server.generationURL.absoluteString)")
        printOutput("  models (probe):      \(server.baseURL.absoluteString)\(DashScopeAPI.modelsPath)")
        printOutput("  accepted keys:       \(acceptedKeysShown)")
        printOutput("Press Ctrl-C to stop.")
        let signal = await Self.nextTerminationSignal()
        printOutput("Received \(signal), stopping after \(server.requestCount) requests on \(server.acceptedConnections) connections.")
        await server.shutdown()
    }

    /// How many keys are accepted, and which when all are test keys (another key is never printed).
    private var acceptedKeysShown: String {
        let shown = acceptedKeys.allSatisfy { $0.hasPrefix("sk-test-") } ? acceptedKeys.joined(separator: ", ") : "given with --accept-key"
        return "\(acceptedKeys.count) (\(shown))"
    }

    /// `--tls`: both regions over TLS under the real hostnames, until interrupted.
    private func rehearse(caOut: URL) async throws {
        let rehearsal: DashScopeRehearsal
        do {
            rehearsal = try await DashScopeRehearsal.start(host: host, port: port, acceptedKeys: Set(acceptedKeys), fault: tlsFault)
        } catch {
            printError("zimage: cannot listen on \(host):\(port) with TLS: \(error)")
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
        printOutput("Rehearsing DashScope over TLS (HTTP/2 or HTTP/1.1) at \(server.host):\(server.port), both regions")
        printOutput("  hosts:           \(DashScopeRehearsal.hostNames.joined(separator: ", "))")
        printOutput("  CA certificate:  \(caOut.path) (throwaway, valid until \(expires)); trust it with --ca-file")
        if let tlsFault { printOutput("  TLS fault:       \(tlsFault.rawValue), on every connection") }
        printOutput("  accepted keys:   \(acceptedKeysShown)")
        printOutput("  routes:          ZIMAGE_CONNECT_TO=\(rehearsal.routes.joined(separator: ","))")
        printOutput("Press Ctrl-C to stop.")
        let signal = await Self.nextTerminationSignal()
        let requests = server.requests
        printOutput("Received \(signal), stopping after \(server.requestCount) requests on \(server.acceptedConnections) connections.")
        // Per host: how many requests, and how many carried Authorization (an image host must never see one).
        for name in DashScopeRehearsal.hostNames {
            let sent = requests.filter { $0.hostName == name }
            printOutput("  \(name): \(sent.count) requests, \(sent.filter(\.hadAuthorization).count) with Authorization")
        }
        await rehearsal.shutdown()
    }

    /// Waits for SIGINT or SIGTERM and returns its name.
    private static func nextTerminationSignal() async -> String {
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
