import ArgumentParser
import ZImage
import ZImageCurl

@main
struct ZImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zimage",
        abstract: "Generate images with Alibaba Cloud Model Studio's z-image-turbo, and test against its API.",
        discussion: """
            serve --simulate runs a local DashScope simulator. generate checks a request and finds the API key, but does \
            not send it yet (the command line is the next piece of work); probe and cassettes come after it.
            """,
        version: "zimage \(ZImageVersion.current) (libcurl \(LibCurl.version), \(LibCurl.sslVersion))",
        subcommands: [Generate.self, Serve.self]
    )
}
