package import ArgumentParser
import Foundation
import ZImage
package import ZImageCurl

/// Options of the live transport, shared by every command that reaches the network.
package struct TransportOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Longest time for one request, in seconds (a generation can take tens of seconds).", valueName: "seconds"))
    package var timeout: Int = 300

    @Option(help: ArgumentHelp("Longest time to connect, in seconds.", valueName: "seconds"))
    package var connectTimeout: Int = 20

    @Option(
        help: ArgumentHelp(
            "The CA certificates to trust instead of the system's, as a PEM file (verification is never turned off).",
            valueName: "file"))
    package var caFile: String?

    @Option(
        name: .customLong("connect-to"),
        help: ArgumentHelp(
            "Open connections for HOST:PORT to TARGET:PORT instead, keeping the URL, the TLS name and verification (repeatable; "
                + "also ZIMAGE_CONNECT_TO, comma-separated). For rehearsals against a simulator, with --ca-file.",
            valueName: "host:port:target:port"))
    package var connectTo: [String] = []

    package init() {}

    /// The routes from --connect-to, else from `ZIMAGE_CONNECT_TO`.
    package func routes(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [ConnectRoute] {
        do {
            if !connectTo.isEmpty {
                return try connectTo.map { text throws(ConnectRoute.ParseError) in try ConnectRoute(parsing: text) }
            }
            return try ConnectRoute.routes(parsingList: environment["ZIMAGE_CONNECT_TO"] ?? "")
        } catch {
            let source = connectTo.isEmpty ? "ZIMAGE_CONNECT_TO" : "--connect-to"
            throw ValidationError("\(source): \(error)")
        }
    }

    package func validate() throws {
        guard timeout > 0 else {
            throw ValidationError("--timeout is \(timeout); allowed: a whole number of seconds above 0")
        }
        guard connectTimeout > 0 else {
            throw ValidationError("--connect-timeout is \(connectTimeout); allowed: a whole number of seconds above 0")
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ValidationError("--ca-file \(caFile) cannot be read; allowed: a readable PEM file of CA certificates")
        }
        _ = try routes()
    }

    /// The live transport these options describe, proxies read from `environment`.
    package func makeTransport(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> CurlTransport {
        var configuration = CurlTransport.Configuration(
            connectTimeout: .seconds(connectTimeout), totalTimeout: .seconds(timeout),
            lowSpeedTime: .seconds(min(180, timeout)), caFile: caFile)
        configuration.connectTo = try routes(environment: environment)
        return try CurlTransport(configuration: configuration, environment: environment)
    }
}
