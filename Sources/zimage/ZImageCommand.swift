import ArgumentParser
import Foundation
import Logging
import ZImage
import ZImageCommandSupport
import ZImageCurl

@main
struct ZImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zimage",
        abstract: "Generate images with Alibaba Cloud Model Studio's z-image-turbo, and test against its API.",
        discussion: """
            Examples:
              zimage generate --prompt "A calm lake at dawn" --size 1024*1536 --seed 7
              zimage generate --request '{"prompt":"A calm lake at dawn","size":"1024*1024"}' --output lake.png --print-response
              zimage probe --region singapore
              zimage serve simulate --port 8080
              zimage generate --mode replay --cassette cassettes/beijing/basic-generation.json --prompt "…"
              zimage cassettes check

            The API key comes from DASHSCOPE_API_KEY, else from dashscope_api_key in ~/.alibabacloud/credentials.

            Exit codes: 0 success, 1 API or network failure, 2 invalid input, 3 missing credentials.
            """,
        version: "zimage \(ZImageVersion.current) (libcurl \(LibCurl.version), \(LibCurl.sslVersion))",
        subcommands: [Generate.self, ProbeCommand.self, Serve.self, CassettesCommand.self, OpenAPICommand.self]
    )

    /// Runs the command; argument errors exit 2 (invalid input), as every other invalid input does.
    static func main() async {
        // Only the executable chooses where logs go; the libraries just accept a Logger.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let arguments: [String]
        do {
            let translated = try Serve.translatingDeprecatedFlags(Array(CommandLine.arguments.dropFirst()))
            if let notice = translated.notice { printError(notice) }
            arguments = translated.arguments
        } catch {
            printError(fullMessage(for: error))
            Foundation.exit(2)
        }
        await runExitingTwoOnInvalidInput(arguments)
    }
}
