package import Foundation
package import HTTPTypes

/// Where the time of one exchange went, each from the start of the transfer, as the live transport (libcurl) measures it.
package struct TransferMetrics: Sendable, Hashable, Codable {
    /// When the name was resolved.
    package var nameLookup: Duration
    /// When the TCP connection was open.
    package var connect: Duration
    /// When the TLS handshake was done (zero without TLS).
    package var tlsHandshake: Duration
    /// When the first byte of the response arrived.
    package var firstByte: Duration
    /// When the exchange ended.
    package var total: Duration
    /// New connections opened for this exchange (0 when an open one was reused).
    package var connectionsOpened: Int
    /// The HTTP version used: `1.1`, `2`, …
    package var httpVersion: String

    package init(
        nameLookup: Duration, connect: Duration, tlsHandshake: Duration, firstByte: Duration, total: Duration,
        connectionsOpened: Int, httpVersion: String
    ) {
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
        self.total = total
        self.connectionsOpened = connectionsOpened
        self.httpVersion = httpVersion
    }
}

/// A transport that can say where an exchange's time went: the live one. What the connectivity probe times.
package protocol MeasuringTransport: Transport {
    /// Sends a bodiless request and returns the answer with its timings.
    func measuredExchange(_ request: HTTPRequest) async throws -> (HTTPResponse, Data, TransferMetrics)
}
