import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTestSupport

@Suite("zimage serve: prints what it serves, answers, and stops cleanly on a signal", .timeLimit(.minutes(1)))
struct ServeCommandTests {
    @Test(
        "serve simulate on port 0 prints its base URL, serves the models list, and exits 0 on SIGTERM and on SIGINT",
        arguments: [SIGTERM, SIGINT])
    func stopsOnSignal(_ signal: Int32) async throws {
        // A key that is not a test key is accepted but never printed (test keys are, so a newcomer knows what to use).
        let secret = "local-secret-7f3a9c1e55"
        let zimage = productsFolder.appendingPathComponent("zimage").path
        let (farewell, status) = try await withChild(
            zimage, ["serve", "simulate", "--port", "0", "--accept-key", secret]
        ) { child in
            let banner = try await child.read(until: "Press Ctrl-C")
            let base = try #require(banner.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
            #expect(
                banner.contains("generation endpoint: \(base)/api/v1/services/aigc/multimodal-generation/generation"))
            #expect(banner.contains("accepted keys:       1 (given with --accept-key)") && !banner.contains(secret))

            let probe = try await run(
                "zimage", ["probe", "--region", "beijing", "--base-url", base, "--json"],
                environment: ["DASHSCOPE_API_KEY": secret, "HOME": "/nonexistent"])
            #expect(probe.status == 0 && probe.stdout.contains("\"outcome\" : \"ok\""))

            try child.send(signal)
            return try await child.read(until: "stopping after")
        }
        #expect(farewell.contains("Received \(signal == SIGTERM ? "SIGTERM" : "SIGINT"), stopping after 1 requests"))
        #expect(status == 0, "exit status \(status)")
    }

    @Test(
        "serve tls writes the CA to --ca-out, prints the routes, answers on the real names, and accounts per host on SIGINT"
    )
    func rehearsal() async throws {
        try await withTemporaryDirectory("serve-tls") { folder in
            let caFile = folder.appendingPathComponent("ca.pem")
            let zimage = productsFolder.appendingPathComponent("zimage").path
            let (farewell, status) = try await withChild(
                zimage, ["serve", "tls", "--ca-out", caFile.path, "--accept-key", endToEndKey]
            ) { child in
                let banner = try await child.read(until: "Press Ctrl-C")
                let routes = try #require(
                    banner.split(separator: "\n").first { $0.contains("ZIMAGE_CONNECT_TO=") }?
                        .split(separator: "=").last.map(String.init))
                #expect(
                    routes.split(separator: ",").count == 4
                        && routes.contains("dashscope-result-sgp.oss-ap-southeast-1.aliyuncs.com:443:127.0.0.1:"))
                #expect(try String(contentsOf: caFile, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE-----"))

                let generated = try await run(
                    "zimage",
                    [
                        "generate", "--region", "singapore", "--prompt", "A lighthouse at dusk",
                        "--ca-file", caFile.path, "--output", folder.appendingPathComponent("out.png").path,
                    ],
                    environment: [
                        "DASHSCOPE_API_KEY": endToEndKey, "ZIMAGE_CONNECT_TO": routes, "HOME": folder.path,
                        "OUTPUT_DIR": folder.path, "https_proxy": "http://127.0.0.1:9",
                    ])
                #expect(generated.status == 0, "\(generated.stderr)")
                try child.send(SIGINT)
                return try await child.read(until: "dashscope-result-sgp.oss-ap-southeast-1.aliyuncs.com: ")
            }
            #expect(farewell.contains("stopping after 2 requests"))
            #expect(farewell.contains("dashscope-intl.aliyuncs.com: 1 requests, 1 with Authorization"))
            #expect(farewell.contains("dashscope.aliyuncs.com: 0 requests"))
            #expect(status == 0, "exit status \(status)")
            let png = try Data(contentsOf: folder.appendingPathComponent("out.png"))
            #expect(try PNGImage(verifying: png).width == 1024)
        }
    }

    @Test(
        "the subcommands and the old flags refuse what they cannot do, exit 2, naming the flag",
        arguments: [
            (["tls"], "Missing expected argument '--ca-out <file>'"),
            (["tls", "--ca-out", "/tmp/x.pem", "--tls-fault", "slow"], "reset-handshake, wrong-name"),
            (["cassettes", "/nonexistent-folder"], "no cassettes under /nonexistent-folder"),
            (["simulate", "--port", "70000"], "--port is 70000; allowed: 0 to 65535"),
            (["--tls"], "Missing expected argument '--ca-out <file>'"),
            (["--ca-out", "/tmp/x.pem"], "Unknown option '--ca-out'"),
            (["--tls", "--ca-out", "/tmp/x.pem", "--cassettes", "cassettes"], "--tls and --cassettes were both given"),
            (["--tls", "--ca-out", "/tmp/x.pem", "--tls-fault", "slow"], "reset-handshake, wrong-name"),
        ])
    func refusesBadFlags(arguments: [String], message: String) async throws {
        let result = try await run("zimage", ["serve"] + arguments, environment: ["HOME": "/nonexistent"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test(
        "the old flags still work for one release, each saying on stderr what replaces it",
        arguments: [
            (["--cassettes", "/nonexistent-folder"], "use `zimage serve cassettes DIR`"),
            (["--simulate", "--host", "256.0.0.1"], "use `zimage serve simulate`"),
        ])
    func deprecatedFlags(arguments: [String], replacement: String) async throws {
        let result = try await run("zimage", ["serve"] + arguments, environment: ["HOME": "/nonexistent"])
        #expect(
            result.stderr.contains("is deprecated and goes in the next release; \(replacement)"), "\(result.stderr)")
        #expect(result.status != 0, "the old flag ran the new command, which then refused its input")
    }
}
