// A first image: the key from the environment or ~/.alibabacloud/credentials, a live client, one generation, the PNG
// saved. Compiled with the package (`swift build`), so it cannot drift from the API.
import Foundation
import ZImage
import ZImageCurl

// snippet.client
let credentials = try Credentials.resolve()  // DASHSCOPE_API_KEY, else ~/.alibabacloud/credentials
let client = ZImageClient(transport: try CurlTransport(), apiKey: credentials.apiKey, region: .singapore)
// snippet.end

// snippet.generate
let request = ImageRequest(prompt: "A calm lake at dawn", size: try ImageSize(parsing: "1024*1536"), seed: 7)
let result = try await client.generate(request)
print(result.imageURL, result.width, result.height, result.requestID)
// snippet.end

// snippet.download
let image = try await client.downloadImage(result, to: URL(fileURLWithPath: "lake.png"))
print("saved \(image.path.path), sha256 \(image.sha256)")
// snippet.end

// snippet.report
let generation = try await client.generateReporting(request)
print("\(generation.attempts) attempt(s) in \(generation.duration); request ids \(generation.requestIDs)")
let png = try await client.imageData(for: generation.result)  // in memory, verified whole
// snippet.end
_ = png
