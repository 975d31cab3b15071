// Transports: every byte of the package goes through one. A stub for a unit test, and the live one configured.
import Foundation
import HTTPTypes
import ZImage
import ZImageCurl

// snippet.closure
// A transport a unit test writes in a line: every request answered with the documented success body.
let stub = ClosureTransport { request, body in
    (HTTPResponse(status: .ok), Data(DocumentedExamples.success(for: .singapore).body.utf8))
}
let result = try await ZImageClient(transport: stub, apiKey: APIKey("sk-test-stub-0001"), region: .singapore)
    .generate(ImageRequest(prompt: "A calm lake at dawn"))
// snippet.end
_ = result

// snippet.live
// The live transport with its timeouts; the key from DASHSCOPE_API_KEY or ~/.alibabacloud/credentials.
let live = try CurlTransport(configuration: .init(connectTimeout: .seconds(20), totalTimeout: .seconds(300)))
let client = ZImageClient(transport: live, apiKey: try Credentials.resolve().apiKey, region: .singapore)
// snippet.end
_ = client
