import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTestSupport

/// PngSuite (../shared/testdata, beside the repository): the 14 corrupt `x*.png` files are refused, every other file is
/// accepted with the size its IHDR states.
@Suite("PNGImage against PngSuite", .enabled(if: SharedCorpus.png != nil, SharedCorpus.absent("PngSuite")))
struct PngSuiteTests {
    static let files: [URL] =
        SharedCorpus.png.map { folder in
            ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.pathExtension == "png" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        } ?? []

    @Test(
        "the corrupt x*.png files are refused, each with a reason",
        arguments: files.filter { $0.lastPathComponent.hasPrefix("x") })
    func corrupt(_ file: URL) throws {
        let data = try Data(contentsOf: file)
        let problem = #expect(throws: PNGImage.Problem.self) { try PNGImage(verifying: data) }
        #expect(problem?.description.isEmpty == false)
    }

    @Test(
        "every other file is accepted, with its IHDR's width and height",
        arguments: files.filter { !$0.lastPathComponent.hasPrefix("x") })
    func valid(_ file: URL) throws {
        let data = try Data(contentsOf: file)
        let image = try PNGImage(verifying: data)
        // The IHDR's fields, read here independently: bytes 16 to 23.
        let field = { (offset: Int) in data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(image.width == field(16) && image.height == field(20))
        // sNNxxxxx.png are NN×NN pixels.
        let name = file.lastPathComponent
        if name.hasPrefix("s"), let side = Int(name.dropFirst().prefix(2)) {
            #expect(image.width == side && image.height == side, "\(name)")
        }
    }

    @Test(
        "fed in pieces of 1, 7 and 4,096 bytes, as a download arrives, every file gets the same verdict and the same problem"
    )
    func streamed() throws {
        for file in Self.files {
            let data = try Data(contentsOf: file)
            let whole = Result { () throws(PNGImage.Problem) in try PNGImage(verifying: data) }
            for piece in [1, 7, 4096] {
                let streamed = Result { () throws(PNGImage.Problem) in try PNGImage.verifying(data, inPiecesOf: piece) }
                #expect(streamed == whole, "\(file.lastPathComponent) in pieces of \(piece)")
            }
        }
    }

    @Test("the corpus is there: 175 files, 14 of them corrupt")
    func corpusSize() {
        #expect(Self.files.count == 175)
        #expect(Self.files.filter { $0.lastPathComponent.hasPrefix("x") }.count == 14)
    }

    @Test(
        "each corrupt file is refused for what is wrong with it",
        arguments: [
            ("xc1n0g08.png", "colour type 1 does not exist"), ("xc9n2c08.png", "colour type 9 does not exist"),
            ("xcrn0g04.png", "it is not a PNG"), ("xlfn0g04.png", "it is not a PNG"),
            ("xs1n0g01.png", "it is not a PNG"),
            ("xs2n0g01.png", "it is not a PNG"), ("xs4n0g01.png", "it is not a PNG"),
            ("xs7n0g01.png", "it is not a PNG"),
            ("xcsn0g01.png", "chunk IDAT has CRC"), ("xhdn0g08.png", "chunk IHDR has CRC"),
            ("xd0n2c08.png", "bit depth 0 is not allowed"), ("xd3n2c08.png", "bit depth 3 is not allowed"),
            ("xd9n2c08.png", "bit depth 99 is not allowed"), ("xdtn0g01.png", "no IDAT chunk"),
        ])
    func reasons(_ name: String, reason: String) throws {
        let folder = try #require(SharedCorpus.png)
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        let problem = #expect(throws: PNGImage.Problem.self) { try PNGImage(verifying: data) }
        #expect(problem?.description.contains(reason) == true, "\(name): \(problem?.description ?? "accepted")")
    }
}
