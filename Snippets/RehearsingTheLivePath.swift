// The live transport pointed at a rehearsal: the real URL and TLS name, a connection routed to a local server that
// holds a certificate for that name, and the throwaway CA it was issued by.
import Foundation
import ZImage
import ZImageCurl

// snippet.route
let route = ConnectRoute(host: "dashscope.aliyuncs.com", port: 443, targetHost: "127.0.0.1", targetPort: 8443)
let transport = try CurlTransport(
    configuration: .init(
        connectTimeout: .seconds(5), totalTimeout: .seconds(60), caFile: "/tmp/rehearsal-ca.pem", connectTo: [route]))
let client = ZImageClient(transport: transport, apiKey: APIKey("sk-test-rehearsal-01"), region: .beijing)
// snippet.end
