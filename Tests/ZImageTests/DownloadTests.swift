import Foundation
import HTTPTypes
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTestSupport

@Suite("Download: no key to the image host, PNG checked, written whole or not at all")
struct DownloadTests {
    let result = ImageResult(
        imageURL:
            "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1d/a.png?Expires=1790000000&OSSAccessKeyId=LTAIxx&Signature=abc%3D",
        width: 1024, height: 768, prompt: "p", requestID: "r")

    func client(_ transport: ScriptedTransport) -> ZImageClient {
        ZImageClient(
            transport: transport.transport, apiKey: testKey, retryPolicy: RetryPolicy(jitter: { 0 }),
            timekeeper: VirtualTime().timekeeper)
    }

    func partFiles(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".part") }
    }

    @Test("the image is fetched with a GET of the exact URL and no Authorization header, and written with its hash")
    func success() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = png(width: 1024, height: 768)
        let transport = ScriptedTransport([.respond(status: 200, headers: ["Content-Type": "image/png"], body: png)])
        let destination = folder.appendingPathComponent("images/out.png")
        let image = try await client(transport).downloadImage(result, to: destination)

        let (head, body) = try #require(transport.requests.first)
        #expect(head.method == .get)
        #expect(head.headerFields[.authorization] == nil)
        #expect(!head.headerFields.contains { $0.value.contains(testKey.value) })
        #expect(body == nil)
        #expect(head.url?.absoluteString == result.imageURL)
        #expect(try Data(contentsOf: destination) == png)
        #expect(image.sha256 == SHA256.hexDigest(of: png))
        #expect(image.byteCount == png.count && image.width == 1024 && image.height == 768)
        #expect(try partFiles(in: destination.deletingLastPathComponent()).isEmpty)
    }

    @Test(
        "a body that is not a PNG, or a PNG of another size, is refused and nothing is written",
        arguments: [
            (Data("<Error>nope</Error>".utf8), "not a PNG"),
            (Data(PNGImage.signature) + Data([0, 0, 0, 13]), "cut short"),
            (png(width: 512, height: 512), "512*512, but the API said 1024*768"),
            (png(width: 1024, height: 768).prefix(png(width: 1024, height: 768).count / 2), "cut short"),
            (flipping(png(width: 1024, height: 768), at: 50), "chunk IDAT has CRC"),
            (png(width: 1024, height: 768).dropLast(12), "no IEND chunk"),
            (png(width: 1024, height: 768) + Data(repeating: 7, count: 100), "bytes follow the IEND chunk"),
        ])
    func badBytes(body: Data, reason: String) async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("out.png")
        let transport = ScriptedTransport([.respond(status: 200, body: body)])
        let error = try await #require(throws: ZImageError.self) {
            try await client(transport).downloadImage(result, to: destination)
        }
        #expect(error.description.contains(reason), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        #expect(try partFiles(in: folder).isEmpty)
    }

    @Test("a byte after IEND is refused as it arrives, not when the body ends or reaches the cap")
    func trailingBytesRefusedAtOnce() throws {
        var verifier = PNGImage.Verifier()
        try png(width: 64, height: 64).withUnsafeBytes { try verifier.feed($0) }
        let extra = Data(repeating: 0, count: 1)
        let problem = try #require(throws: PNGImage.Problem.self) {
            try extra.withUnsafeBytes { try verifier.feed($0) }
        }
        #expect(problem.description.contains("bytes follow the IEND chunk"))
    }

    @Test("an expired URL (OSS 403 with its XML body) says so, without the signed query")
    func expired() async throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>AccessDenied</Code><Message>Request has expired.</Message><RequestId>6F1D</RequestId></Error>
            """
        let transport = ScriptedTransport([
            .respond(status: 403, headers: ["Content-Type": "application/xml"], body: Data(xml.utf8))
        ])
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try await #require(throws: ZImageError.self) {
            try await client(transport).downloadImage(result, to: folder.appendingPathComponent("x.png"))
        }
        guard let failure = error.downloadFailure else {
            Issue.record("expected .download, got \(error)")
            return
        }
        #expect(failure.status == 403 && !failure.isRetryable)
        #expect(error.description.contains("HTTP 403 AccessDenied: Request has expired."))
        #expect(error.description.contains("valid for 24 hours"))
        #expect(!error.description.contains("Signature") && !error.description.contains("OSSAccessKeyId"))
        #expect(transport.requestCount == 1)
    }

    @Test("a 503 from the image host is retried")
    func retried() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = png(width: 1024, height: 768)
        let transport = ScriptedTransport([.respond(status: 503, body: Data()), .respond(status: 200, body: png)])
        _ = try await client(transport).downloadImage(result, to: folder.appendingPathComponent("x.png"))
        #expect(transport.requestCount == 2)
    }

    @Test("a failed download keeps an existing file intact and leaves no part file")
    func existingFileKept() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("out.png")
        try Data("the earlier image".utf8).write(to: destination)
        let transport = ScriptedTransport([.fail(TransportError(.connectionReset, "the connection was reset"))])
        let client = ZImageClient(transport: transport.transport, apiKey: testKey, retryPolicy: .never)
        await #expect(throws: ZImageError.self) { try await client.downloadImage(result, to: destination) }
        #expect(try Data(contentsOf: destination) == Data("the earlier image".utf8))
        #expect(try partFiles(in: folder).isEmpty)
    }

    @Test("a successful download replaces an existing file whole")
    func existingFileReplaced() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("out.png")
        try Data("the earlier image".utf8).write(to: destination)
        let png = png(width: 1024, height: 768)
        _ = try await client(ScriptedTransport([.respond(status: 200, body: png)])).downloadImage(
            result, to: destination)
        #expect(try Data(contentsOf: destination) == png)
    }

    @Test("when the rename into place fails, the part file is removed and what was there is untouched")
    func renameFailure() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A non-empty folder under the destination's name: rename(2) cannot replace it.
        let destination = folder.appendingPathComponent("out.png")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: destination.appendingPathComponent("inside"))
        let png = png(width: 1024, height: 768)
        let error = try await #require(throws: ZImageError.self) {
            try await client(ScriptedTransport([.respond(status: 200, body: png)])).downloadImage(
                result, to: destination)
        }
        #expect(error.description.contains("writing \(destination.path) failed"))
        #expect(try Data(contentsOf: destination.appendingPathComponent("inside")) == Data("keep".utf8))
        #expect(try partFiles(in: folder).isEmpty)
    }
}

@Suite("Files: SHA-256, PNG headers, evidence lines, output locations")
struct FilesTests {
    @Test(
        "SHA-256 matches FIPS 180-4's vectors and block-boundary lengths",
        arguments: [
            (Data(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (Data("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (Data(repeating: 0x61, count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (Data(repeating: 0x61, count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (Data(repeating: 0x61, count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (Data(repeating: 0x61, count: 1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
            (
                Data((0..<40).flatMap { _ in (0...255).map { UInt8($0) } }),
                "e96760a87768717bcebcfd25ddc7d46b4dbc95a4b0014def080c08539f7d90d0"
            ),
        ])
    func sha256(data: Data, hex: String) {
        #expect(SHA256.hexDigest(of: data) == hex)
        // Fed in pieces of every size from 1 to 130 bytes, as a download arrives: the same digest.
        for piece in [1, 3, 63, 64, 65, 130] {
            var hasher = SHA256()
            var offset = 0
            while offset < data.count {
                let end = min(offset + piece, data.count)
                data[offset..<end].withUnsafeBytes { hasher.update($0) }
                offset = end
            }
            #expect(hasher.hexDigest() == hex, "pieces of \(piece) bytes")
        }
        // A copy is a value: feeding one leaves the other as it was.
        var first = SHA256()
        data.withUnsafeBytes { first.update($0) }
        var second = first
        Data("more".utf8).withUnsafeBytes { second.update($0) }
        #expect(first.hexDigest() == hex && second.hexDigest() == SHA256.hexDigest(of: data + Data("more".utf8)))
    }

    @Test("a PNG header gives width and height")
    func pngHeaderSize() throws {
        let header = try PNGImage(verifying: png(width: 1120, height: 1440))
        #expect(header.width == 1120 && header.height == 1440)
    }

    @Test("OUTPUT_DIR moves the base of images and evidence; output/ otherwise")
    func outputLocations() {
        let moved = OutputLocations(environment: ["OUTPUT_DIR": "/tmp/elsewhere"])
        #expect(moved.imagesDirectory.path == "/tmp/elsewhere/ai-image-zimage-turbo/images")
        #expect(moved.generationsLog.path == "/tmp/elsewhere/alicloud-ai-image-zimage-turbo/generations.jsonl")
        let plain = OutputLocations(environment: [:])
        #expect(
            plain.evidenceDirectory.path == FileManager.default.currentDirectoryPath
                + "/output/alicloud-ai-image-zimage-turbo")
    }

    @Test("each generation appends one JSON line of evidence, with no key and no signed query")
    func evidenceLines() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let locations = OutputLocations(base: folder)
        let request = ImageRequest(prompt: "A lake", seed: 42)
        let png = png(width: 1024, height: 1024)
        let transport = ScriptedTransport([
            .json(200, successBody(request, requestID: "r-1")), .respond(status: 200, body: png),
            .json(200, successBody(request, requestID: "r-2")), .respond(status: 200, body: png),
        ])
        let client = ZImageClient(transport: transport.transport, apiKey: testKey, region: .beijing)
        for name in ["a.png", "b.png"] {
            let started = Date()
            let generation = try await client.generateReporting(request)
            let image = try await client.downloadImage(
                generation.result, to: locations.imagesDirectory.appendingPathComponent(name))
            try GenerationEvidence(
                startedAt: started, region: .beijing, request: request, generation: generation,
                image: image, duration: .milliseconds(1500)
            ).append(to: locations.generationsLog)
        }
        let text = try String(contentsOf: locations.generationsLog, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(
            Set(first.keys) == [
                "time", "region", "endpoint", "model", "size", "seed", "prompt_extend", "request_id",
                "image_path", "sha256", "duration_ms", "attempts",
            ])
        #expect(first["request_id"] as? String == "r-1")
        #expect(first["model"] as? String == "z-image-turbo")
        #expect(first["seed"] as? Int == 42 && first["duration_ms"] as? Int == 1500)
        #expect(first["sha256"] as? String == SHA256.hexDigest(of: png))
        #expect(!text.contains(testKey.value) && !text.contains("Signature"))
    }
}
