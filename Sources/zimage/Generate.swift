import ArgumentParser
import Foundation
import ZImage

/// `zimage generate`: for now, checks the request and the credentials exactly as the finished command will.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an image request and the API key (sending arrives with the live transport).",
        discussion: """
            Example:
              DASHSCOPE_API_KEY=sk-... zimage generate --prompt "A calm lake at dawn" --size 1024*1536 --seed 7

            Exit codes: 0 success, 1 API or network failure, 2 invalid input, 3 missing credentials.
            """
    )

    @Option(help: "What to draw: 1 to 800 characters.")
    var prompt: String

    @Option(help: "Image size W*H (or WxH), each side 512 to 2048 pixels.")
    var size: String = ImageSize.default.description

    @Option(help: "Random seed, 0 to 2147483647.")
    var seed: Int?

    @Flag(help: "Let DashScope rewrite the prompt first (slower, billed higher).")
    var promptExtend = false

    @Option(help: "Region of the API key: beijing or singapore.")
    var region: String = Region.beijing.rawValue

    @Option(help: "Full endpoint URL to use instead of the region's (also DASHSCOPE_BASE_URL).")
    var baseURL: String?

    func run() async throws {
        do {
            guard let region = Region(name: region) else {
                throw ZImageError.invalidRequest(.init(field: "region", problem: "is \"\(self.region)\"", allowed: Region.allowedNames))
            }
            let environment = ProcessInfo.processInfo.environment
            let request = try ImageRequest(
                prompt: prompt, size: size, seed: seed, promptExtend: promptExtend,
                baseURL: baseURL ?? environment["DASHSCOPE_BASE_URL"])
            let credentials = try Credentials.resolve(environment: environment)
            let endpoint = request.endpoint(in: region)
            printError(
                "zimage: the request is valid and a key was found in \(credentials.source), but this build cannot send it "
                    + "to \(endpoint.absoluteString) yet: the live libcurl transport has not been built.")
            throw ExitCode(1)
        } catch let error as ZImageError {
            printError("zimage: \(error)")
            throw ExitCode(error.exitCode)
        }
    }
}

/// Writes a line to stderr, unbuffered.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Writes a line to stdout, unbuffered.
func printOutput(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
