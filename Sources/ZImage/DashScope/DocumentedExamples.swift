/// The payloads of docs/CONTRACT.md, verbatim: the documented request, the two regions' documented success answers and the
/// documented error body. The unit tests, the `validate` self-check and the simulator all start from these same bytes.
package enum DocumentedExamples {
    /// The prompt of the documented request.
    package static let prompt = "A calm lake at dawn, a lone angler casting a line, cinematic lighting"

    /// The documented request body (size 1024*1024, prompt_extend false, seed 1234).
    package static let requestBody = """
        {
          "model": "z-image-turbo",
          "input": {"messages": [{"role": "user", "content": [{"text": "A calm lake at dawn, a lone angler casting a line, cinematic lighting"}]}]},
          "parameters": {"size": "1024*1024", "prompt_extend": false, "seed": 1234}
        }
        """

    /// The documented Singapore success answer.
    static let singaporeSuccess = """
        {
          "output": {"choices": [{"finish_reason": "stop", "message": {
            "role": "assistant",
            "content": [
              {"image": "https://dashscope-result-sgp.oss-ap-southeast-1.aliyuncs.com/xxx.png?Expires=xxx"},
              {"text": "Photo of a stylish young woman..."}
            ],
            "reasoning_content": ""}}]},
          "usage": {"width": 1024, "height": 1024, "image_count": 1, "input_tokens": 0, "output_tokens": 0, "total_tokens": 0},
          "request_id": "abf1645b-b630-433a-92f6-xxxxxx"
        }
        """

    /// The documented Beijing success answer, for a `1120*1440` request (its `text` item shortened as docs/CONTRACT.md has it).
    static let beijingSuccess = """
        {
          "output": {"choices": [{"finish_reason": "stop", "message": {
            "content": [
              {"image": "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/xxx.png?Expires=xxx"},
              {"text": "<the input prompt>"}
            ],
            "reasoning_content": "",
            "role": "assistant"}}]},
          "usage": {"height": 1440, "image_count": 1, "input_tokens": 0, "output_tokens": 0, "total_tokens": 0, "width": 1120},
          "request_id": "8a0809b4-a796-47f4-a095-394b02b62xxx"
        }
        """

    /// The documented error body.
    package static let errorBody = """
        {"request_id": "a4d78a5f-655f-9639-8437-xxxxxx", "code": "InvalidParameter", "message": "num_images_per_prompt must be 1"}
        """

    /// The documented success answer of `region`, with the size it was generated at; `nil` for a region the
    /// documentation gives no example for.
    package static func success(
        for region: Region
    ) -> (body: String, size: ImageSize, requestID: String, imageHost: String)? {
        switch region {
        case .beijing:
            (
                beijingSuccess, (try? ImageSize(width: 1120, height: 1440)) ?? .default,
                "8a0809b4-a796-47f4-a095-394b02b62xxx", region.exampleResultHost
            )
        case .singapore:
            (singaporeSuccess, .default, "abf1645b-b630-433a-92f6-xxxxxx", region.exampleResultHost)
        default: nil
        }
    }
}
