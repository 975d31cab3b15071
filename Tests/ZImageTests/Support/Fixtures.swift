import Foundation

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTestSupport

/// A key that looks like none a real account has; assertions search output for it.
let testKey = TestKeys.core

/// A real `width`×`height` PNG (a gradient, a few kilobytes), as the image host would send it.
func png(width: Int, height: Int) -> Data {
    PNGEncoder.gradient(width: width, height: height, seed: [1, 2, 3, 4, 5, 6])
}

/// `data` with one byte changed at `offset`.
func flipping(_ data: Data, at offset: Int) -> Data {
    var bytes = [UInt8](data)
    bytes[offset] ^= 0xFF
    return Data(bytes)
}

/// A success body of the documented shape for `request`.
func successBody(
    _ request: ImageRequest,
    imageURL: String =
        "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/a.png?Expires=1&OSSAccessKeyId=k&Signature=s",
    requestID: String = "req-ok"
) -> String {
    """
    {"output":{"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":[{"image":"\(imageURL)"},{"text":"\(request.prompt)"}],"reasoning_content":""}}]},
     "usage":{"width":\(request.size.width),"height":\(request.size.height),"image_count":1,"input_tokens":0,"output_tokens":0,"total_tokens":0},
     "request_id":"\(requestID)"}
    """
}
