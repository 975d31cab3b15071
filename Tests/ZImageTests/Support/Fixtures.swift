import Foundation
import ZImage
import ZImageTestSupport

/// A key that looks like none a real account has; assertions search output for it.
let testKey = TestKeys.core

/// The smallest valid PNG header for a `width`×`height` image (signature and IHDR): enough for the size check.
func pngHeader(width: Int, height: Int) -> Data {
    var data = Data(PNGHeader.signature)
    data += [0, 0, 0, 13] + Array("IHDR".utf8)
    for value in [width, height] {
        data += (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - $0 * 8)) }
    }
    data += [8, 6, 0, 0, 0, 0, 0, 0, 0]  // bit depth, colour type, compression, filter, interlace, CRC
    return data
}

/// A success body of the documented shape for `request`.
func successBody(_ request: ImageRequest, imageURL: String = "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/a.png?Expires=1&OSSAccessKeyId=k&Signature=s",
                 requestID: String = "req-ok") -> String {
    """
    {"output":{"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":[{"image":"\(imageURL)"},{"text":"\(request.prompt)"}],"reasoning_content":""}}]},
     "usage":{"width":\(request.size.width),"height":\(request.size.height),"image_count":1,"input_tokens":0,"output_tokens":0,"total_tokens":0},
     "request_id":"\(requestID)"}
    """
}
