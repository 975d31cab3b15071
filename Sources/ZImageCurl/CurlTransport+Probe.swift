import HTTPTypes
public import ZImage

extension Probe {
    /// Creates a probe on the live transport, whose reports carry libcurl's DNS, connect, TLS and first-byte times.
    public init(transport: CurlTransport) {
        self.init(timedExchange: { request in
            let exchange = try await transport.exchange(request, body: nil)
            return (exchange.response, exchange.body, Report.Timings(exchange.metrics))
        })
    }
}

extension Probe.Report.Timings {
    /// libcurl's timings in milliseconds, to a tenth.
    init(_ metrics: TransferMetrics) {
        func ms(_ duration: Duration) -> Double { (Double(duration / .microseconds(1)) / 100).rounded() / 10 }
        self.init(
            dns: ms(metrics.nameLookup), connect: ms(metrics.connect), tls: ms(metrics.tlsHandshake),
            firstByte: ms(metrics.firstByte), total: ms(metrics.total))
    }
}
