// Handling failures: one error type whose code says what to do, and the retry policy that runs before you see one.
import Foundation
import ZImage
import ZImageCurl

let client = try ZImageClient.make { try CurlTransport() }
let request = ImageRequest(prompt: "A lighthouse at dusk")

// snippet.catch
do {
    _ = try await client.generate(request)
} catch let error as ZImageError where error.code == .apiError {
    // HTTP status, DashScope's code and message, and the request id to give support.
    let failure = error.apiFailure
    print(failure?.status ?? 0, failure?.code ?? "", failure?.requestID ?? "")
} catch ZImageError.Code.invalidRequest {
    // Refused before anything was sent: the message names the field and what it allows.
} catch ZImageError.Code.missingCredentials {
    // No key in DASHSCOPE_API_KEY nor in ~/.alibabacloud/credentials.
} catch {
    print("\(error)")  // every error reads as one sentence, never with the key
}
// snippet.end

// snippet.policy
var patient = client
patient.retryPolicy = RetryPolicy(
    maxAttempts: 6, baseDelay: .seconds(2), maxDelay: .seconds(60), deadline: .seconds(900))
let noRetries = ZImageClient(
    transport: client.transport, apiKey: client.apiKey, region: client.region, retryPolicy: .never)
// snippet.end
_ = noRetries
