import Foundation

/// One "connect to" rule: requests for `host:port` open their connection to `targetHost:targetPort` instead, while the URL,
/// the Host header, TLS's server name and certificate verification all stay those of `host` (libcurl's
/// `CURLOPT_CONNECT_TO`).
///
/// It exists for rehearsals and tests: the real hostnames over TLS, answered by a simulator on loopback. The spelling is
/// libcurl's and curl's `--connect-to`, `HOST:PORT:TARGET:PORT`, except that all four parts are required here (libcurl
/// reads an empty part as "any", which would redirect more than the user meant). IPv6 addresses go in brackets.
public struct ConnectRoute: Sendable, Hashable, CustomStringConvertible {
    /// The request's host, lower-cased.
    public var host: String
    /// The request's port.
    public var port: Int
    /// Where the connection goes instead.
    public var targetHost: String
    /// The port it goes to.
    public var targetPort: Int

    /// A route from `host:port` to `targetHost:targetPort`.
    public init(host: String, port: Int, targetHost: String, targetPort: Int) {
        self.host = host.lowercased()
        self.port = port
        self.targetHost = targetHost.lowercased()
        self.targetPort = targetPort
    }

    /// Reads `HOST:PORT:TARGET:PORT`.
    ///
    /// - Throws: ``ConnectRoute/ParseError`` saying which part is wrong and what is allowed.
    package init(parsing text: String) throws(ParseError) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        func readHost(_ part: String) throws(ParseError) -> String {
            let value: Substring
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else {
                    throw ParseError(text, "\(part) opens [ without a closing ]")
                }
                value = rest[...close]
                rest = rest[rest.index(after: close)...]
            } else {
                value = rest.prefix { $0 != ":" }
                rest = rest[value.endIndex...]
            }
            guard !value.isEmpty else { throw ParseError(text, "\(part) is empty") }
            guard value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._[]:".contains($0)) }) else {
                throw ParseError(text, "\(part) \"\(value)\" is not a host name or IP address")
            }
            try colon(after: part)
            return String(value)
        }
        func readPort(_ part: String, last: Bool) throws(ParseError) -> Int {
            let value = last ? rest : rest.prefix { $0 != ":" }
            rest = rest[value.endIndex...]
            guard value.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(value), (1...65535).contains(number)
            else {
                throw ParseError(text, "\(part) \"\(value)\" is not a port number from 1 to 65535")
            }
            if !last { try colon(after: part) }
            return number
        }
        func colon(after part: String) throws(ParseError) {
            guard rest.first == ":" else { throw ParseError(text, "a colon is missing after \(part)") }
            rest = rest.dropFirst()
        }
        let host = try readHost("HOST")
        let port = try readPort("PORT", last: false)
        let targetHost = try readHost("TARGET")
        let targetPort = try readPort("TARGET PORT", last: true)
        self.init(host: host, port: port, targetHost: targetHost, targetPort: targetPort)
    }

    /// Whether a request for `host:port` is sent along this route.
    package func matches(host: String, port: Int) -> Bool {
        self.host == host.lowercased() && self.port == port
    }

    /// Whether the target is this machine (such a route never goes through a proxy).
    package var isLoopbackTarget: Bool {
        targetHost == "localhost" || targetHost == "[::1]"
            || (targetHost.hasPrefix("127.") && targetHost.allSatisfy { $0 == "." || ("0"..."9").contains($0) })
    }

    /// The rule as libcurl reads it.
    public var description: String { "\(host):\(port):\(targetHost):\(targetPort)" }

    /// A route that cannot be read.
    package struct ParseError: Error, Sendable, CustomStringConvertible {
        /// The text given.
        package var text: String
        /// What is wrong with it.
        package var reason: String

        init(_ text: String, _ reason: String) {
            self.text = text
            self.reason = reason
        }

        /// How it reads in a message.
        package var description: String {
            "\"\(text)\" is not a connect-to route: \(reason); allowed: HOST:PORT:TARGET:PORT, for example "
                + "dashscope.aliyuncs.com:443:127.0.0.1:8443 (IPv6 in brackets)"
        }
    }
}

extension ConnectRoute {
    /// Routes from a list such as `ZIMAGE_CONNECT_TO`'s: separated by commas or white space.
    package static func routes(parsingList list: String) throws(ParseError) -> [ConnectRoute] {
        var routes: [ConnectRoute] = []
        for item in list.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            routes.append(try ConnectRoute(parsing: String(item)))
        }
        return routes
    }
}
