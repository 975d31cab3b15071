// A test tool, never shipped: rewrites one cassette, growing, until killed. The crash-safety test SIGKILLs it mid-write
// and checks that the cassette it leaves behind still loads.
//
// Usage: cassette-stress-writer PATH
import Foundation
import ZImageCassettes
import ZImageHTTP

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: cassette-stress-writer PATH\n".utf8))
    exit(2)
}
let url = URL(fileURLWithPath: CommandLine.arguments[1])
var cassette = Cassette(region: "test", source: .simulator)
var round = 0
while true {
    round += 1
    let body = Data(#"{"prompt":"round \#(round)","padding":"\#(String(repeating: "x", count: 4096))"}"#.utf8)
    cassette.interactions.append(
        Interaction(
            request: RecordedRequest(
                method: "POST", url: "https://api.example.test/v1/x?round=\(round)",
                headers: ["content-type": "application/json"], body: body),
            response: RecordedResponse(status: 200, headers: ["content-type": "application/json"], body: body)))
    do {
        try CassetteFile.write(cassette, to: url)
    } catch {
        FileHandle.standardError.write(Data("cassette-stress-writer: \(error)\n".utf8))
        exit(1)
    }
    if round == 1 {
        FileHandle.standardOutput.write(Data("first write done\n".utf8))
    }
}
