import ArgumentParser
import ZImage
import ZImageCurl

@main
struct ZImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zimage",
        abstract: "Generate images with Alibaba Cloud Model Studio's z-image-turbo, and test against its API.",
        discussion: """
            This build has the client core only: `zimage generate` checks a request and finds the API key, but cannot \
            send it yet (the live libcurl transport is the next piece of work). probe, serve and cassettes come after it.
            """,
        version: "zimage \(ZImageVersion.current) (libcurl \(LibCurl.version), \(LibCurl.sslVersion))",
        subcommands: [Generate.self]
    )
}
