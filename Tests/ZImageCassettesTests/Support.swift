import Foundation
import HTTPTypes

@testable import ZImage
@testable import ZImageCassettes
@testable import ZImageContract
@testable import ZImageContractSuite
@testable import ZImageCurl
@testable import ZImageHTTP
@testable import ZImageSimulator
@testable import ZImageTestSupport

/// A sentinel key: no byte of any cassette may contain it.
let sentinelKey = TestKeys.sentinel

/// A recorded generation exchange with `body` as its request body.
func generationInteraction(
    _ body: String, answer: String = #"{"request_id":"r","code":"X","message":"m"}"#, status: Int = 400
) -> Interaction {
    Interaction(
        request: RecordedRequest(
            method: "POST", url: Region.beijing.generationURL.absoluteString,
            headers: ["content-type": "application/json"], body: Data(body.utf8)),
        response: RecordedResponse(
            status: status, headers: ["content-type": "application/json"], body: Data(answer.utf8)))
}
