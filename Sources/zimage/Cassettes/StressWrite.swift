import ArgumentParser
import Foundation
import ZImageCassettes

/// Hidden: rewrites one cassette, growing, until killed. The crash-safety test SIGKILLs it mid-write and checks that the
/// cassette it leaves behind still loads.
struct StressWrite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_stress-write", abstract: "Rewrite a cassette until killed (for crash-safety tests).", shouldDisplay: false)

    @Argument var path: String

    func run() async throws {
        let url = URL(fileURLWithPath: path)
        var cassette = Cassette(region: .beijing, source: .simulator)
        var round = 0
        while true {
            round += 1
            let body = Data(#"{"prompt":"round \#(round)","padding":"\#(String(repeating: "x", count: 4096))"}"#.utf8)
            cassette.interactions.append(Interaction(
                request: RecordedRequest(method: "POST", url: "https://dashscope.aliyuncs.com/api/v1/x?round=\(round)",
                                         headers: ["content-type": "application/json"], body: body),
                response: RecordedResponse(status: 200, headers: ["content-type": "application/json"], body: body)))
            try CassetteFile.write(cassette, to: url)
            if round == 1 { printOutput("first write done") }
        }
    }
}
