// Transports: every byte of the package goes through one. A stub for a unit test, and the live one configured.
import Foundation
import HTTPTypes
import ZImage
import ZImageCurl

// snippet.closure
// A transport a unit test writes in a few lines: every request answered with a success body as DashScope writes it.
let answer = """
    {"output": {"choices": [{"finish_reason": "stop", "message": {"role": "assistant", "content": [
      {"image": "https://dashscope-result-sgp.oss-ap-southeast-1.aliyuncs.com/lake.png?Expires=1767225600"},
      {"text": "A calm lake at dawn"}]}}]},
     "usage": {"width": 1024, "height": 1024, "image_count": 1}, "request_id": "req-0001"}
    """
let stub = ClosureTransport { request, body in (HTTPResponse(status: .ok), Data(answer.utf8)) }
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
