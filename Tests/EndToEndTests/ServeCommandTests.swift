import Foundation
import Testing
import ZImage
import ZImageTestSupport

@Suite("zimage serve: prints what it serves, answers, and stops cleanly on a signal", .timeLimit(.minutes(1)))
struct ServeCommandTests {
    @Test("--simulate on port 0 prints its base URL, serves the models list, and exits 0 on SIGTERM and on SIGINT",
          arguments: [SIGTERM, SIGINT])
    func stopsOnSignal(_ signal: Int32) async throws {
        // A key that is not a test key is accepted but never printed (test keys are, so a newcomer knows what to use).
        let secret = "local-secret-7f3a9c1e55"
        let zimage = productsFolder.appendingPathComponent("zimage").path
        let (farewell, status) = try await withChild(zimage, ["serve", "--simulate", "--port", "0", "--accept-key", secret]) { child in
            let banner = try await child.read(until: "Press Ctrl-C")
            let base = try #require(banner.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
            #expect(banner.contains("generation endpoint: \(base)/api/v1/services/aigc/multimodal-generation/generation"))
            #expect(banner.contains("accepted keys:       1 (given with --accept-key)") && !banner.contains(secret))

            let probe = try await run("zimage", ["probe", "--region", "beijing", "--base-url", base, "--json"],
                                      environment: ["DASHSCOPE_API_KEY": secret, "HOME": "/nonexistent"])
            #expect(probe.status == 0 && probe.stdout.contains("\"outcome\" : \"ok\""))

            try child.send(signal)
            return try await child.read(until: "stopping after")
        }
        #expect(farewell.contains("Received \(signal == SIGTERM ? "SIGTERM" : "SIGINT"), stopping after 1 requests"))
        #expect(status == 0, "exit status \(status)")
    }
}
