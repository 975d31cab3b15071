import Foundation

package import ArgumentParser
import ZImage
package import ZImageCurl

/// Options of the live transport, shared by every command that reaches the network.
package struct TransportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Longest time for one request, in seconds (a generation can take tens of seconds).", valueName: "seconds"))
    package var timeout: Int = 300

    @Option(help: ArgumentHelp("Longest time to connect, in seconds.", valueName: "seconds"))
    package var connectTimeout: Int = 20

    @Option(help: ArgumentHelp("A PEM file of extra CA certificates to trust (TLS verification is never turned off).", valueName: "file"))
    package var caFile: String?

    package init() {}

    package func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout is \(timeout); allowed: a whole number of seconds above 0") }
        guard connectTimeout > 0 else { throw ValidationError("--connect-timeout is \(connectTimeout); allowed: a whole number of seconds above 0") }
    }

    /// The live transport these options describe, proxies read from `environment`.
    package func makeTransport(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CurlTransport {
        try CurlTransport(
            configuration: .init(connectTimeout: .seconds(connectTimeout), totalTimeout: .seconds(timeout),
                                 lowSpeedTime: .seconds(min(180, timeout)), caFile: caFile),
            environment: environment)
    }
}
