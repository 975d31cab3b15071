import ArgumentParser
import Foundation
import ZImage
import ZImageContract
import ZImageContractSuite

/// `zimage openapi`: the contract as an OpenAPI 3.1 document, generated from the code.
struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi",
        abstract: "Print DashScope's z-image-turbo contract as an OpenAPI 3.1 document (YAML).",
        discussion: """
            The document is generated from this package's own definitions of the request, the answers and the errors, \
            so it says what the client, the simulator and the contract checks hold to. The repository keeps a copy in \
            docs/openapi.yaml, which the test suite compares with a fresh one (`make openapi` rewrites it).

            Examples:
              zimage openapi > openapi.yaml
              zimage openapi --output docs/openapi.yaml
              schemathesis run docs/openapi.yaml --url http://127.0.0.1:8080     # against `zimage serve simulate`
            """
    )

    @Option(
        help: ArgumentHelp(
            "Write the document here (replaced whole, never half-written) instead of stdout.", valueName: "file"))
    var output: String?

    func run() throws {
        let text = OpenAPIDocument.yaml
        if let output {
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: output))
        } else {
            print(text, terminator: "")
        }
    }
}
