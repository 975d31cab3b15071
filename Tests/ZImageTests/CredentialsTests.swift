import Foundation
import Testing

@testable import ZImage
@testable import ZImageHTTP
@testable import ZImageTestSupport

@Suite("Credentials: the environment, then ~/.alibabacloud/credentials")
struct CredentialsTests {
    /// A temporary home folder with `text` as its credentials file (none when `nil`).
    func home(_ text: String?) throws -> URL {
        let home = try makeTemporaryDirectory()
        if let text {
            let folder = home.appendingPathComponent(".alibabacloud")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: folder.appendingPathComponent("credentials"))
        }
        return home
    }

    static let profiles = """
        # keys for tests
        [default]
        type = access_key
        access_key_id = id-default
        dashscope_api_key = sk-test-default-000000

        [work]
        DashScope_API_Key = sk-test-work-111111

        [other]
        dashscope_api_key: "sk-test-other-222222"
        """

    @Test(
        "a credentials file larger than the bound is refused, named, and never read whole (8 MiB, 64 MiB, 768 MiB)",
        arguments: [8, 64, 768])
    func hugeFile(mebibytes: Int) throws {
        let home = try home("[default]\ndashscope_api_key = sk-test-huge-0000000\n")
        defer { try? FileManager.default.removeItem(at: home) }
        let file = home.appendingPathComponent(".alibabacloud/credentials")
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: UInt64(mebibytes) << 20)  // sparse: no disk, no time
        try handle.close()
        let error = try #require(throws: ZImageError.self) {
            try Credentials.resolve(environment: [:], homeDirectory: home.path)
        }
        #expect(error.description.contains(file.path), "\(error)")
        #expect(error.description.contains("larger than 64 KiB"), "\(error)")
    }

    @Test("a credentials file of exactly the bound is still read")
    func fileAtTheBound() throws {
        var text = "[default]\ndashscope_api_key = sk-test-bound-0000000\n"
        text += "#" + String(repeating: "x", count: Credentials.maximumFileSize - text.utf8.count - 2) + "\n"
        #expect(text.utf8.count == Credentials.maximumFileSize)
        let home = try home(text)
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(
            try Credentials.resolve(environment: [:], homeDirectory: home.path).apiKey.value == "sk-test-bound-0000000")
    }

    @Test("DASHSCOPE_API_KEY beats the file")
    func environmentWins() throws {
        let home = try home(Self.profiles)
        defer { try? FileManager.default.removeItem(at: home) }
        let credentials = try Credentials.resolve(environment: [
            "DASHSCOPE_API_KEY": "sk-test-env-999999", "HOME": home.path,
        ])
        #expect(credentials.apiKey.value == "sk-test-env-999999")
        #expect(credentials.source == .environment("DASHSCOPE_API_KEY"))
    }

    @Test("an empty DASHSCOPE_API_KEY counts as unset")
    func emptyEnvironmentFallsBack() throws {
        let home = try home(Self.profiles)
        defer { try? FileManager.default.removeItem(at: home) }
        let credentials = try Credentials.resolve(environment: ["DASHSCOPE_API_KEY": "  ", "HOME": home.path])
        #expect(credentials.apiKey.value == "sk-test-default-000000")
    }

    @Test(
        "the profile comes from ALIBABA_CLOUD_PROFILE, then ALICLOUD_PROFILE, then default; option names in any case",
        arguments: [
            ([String: String](), "sk-test-default-000000"),
            (["ALICLOUD_PROFILE": "work"], "sk-test-work-111111"),
            (["ALIBABA_CLOUD_PROFILE": "other", "ALICLOUD_PROFILE": "work"], "sk-test-other-222222"),
            (["ALIBABA_CLOUD_PROFILE": "", "ALICLOUD_PROFILE": "work"], "sk-test-work-111111"),
        ])
    func profileOrder(variables: [String: String], expected: String) throws {
        let home = try home(Self.profiles)
        defer { try? FileManager.default.removeItem(at: home) }
        let credentials = try Credentials.resolve(environment: variables.merging(["HOME": home.path]) { $1 })
        #expect(credentials.apiKey.value == expected)
        if case .file(let path, _) = credentials.source {
            #expect(path == home.path + "/.alibabacloud/credentials")
        } else {
            Issue.record("expected a file source, got \(credentials.source)")
        }
    }

    @Test("HOME pointing elsewhere is where the file is looked for")
    func homeElsewhere() throws {
        let elsewhere = try home("[default]\ndashscope_api_key = sk-test-elsewhere-333333\n")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let credentials = try Credentials.resolve(environment: ["HOME": elsewhere.path])
        #expect(credentials.apiKey.value == "sk-test-elsewhere-333333")
        #expect(credentials.source == .file(path: elsewhere.path + "/.alibabacloud/credentials", profile: "default"))
    }

    @Test("a malformed line elsewhere does not hide a good key")
    func malformedLineSkipped() throws {
        let home = try home("this line is not ini\n[default]\n= no name\ndashscope_api_key = sk-test-good-444444\n")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try Credentials.resolve(environment: ["HOME": home.path]).apiKey.value == "sk-test-good-444444")
    }

    @Test(
        "a file written on Windows or an old Mac reads the same: CRLF, CR or LF line endings, with or without a BOM",
        arguments: ["\r\n", "\r", "\n"], [false, true])
    func lineEndings(_ ending: String, bom: Bool) throws {
        let text =
            (bom ? "\u{FEFF}" : "")
            + [
                "# keys", "[default]", "type = access_key", "dashscope_api_key = sk-test-crlf-777777",
                "", "[work]", "dashscope_api_key = sk-test-work-888888", "",
            ].joined(separator: ending)
        let home = try home(text)
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try Credentials.resolve(environment: ["HOME": home.path]).apiKey.value == "sk-test-crlf-777777")
        #expect(
            try Credentials.resolve(environment: ["HOME": home.path, "ALICLOUD_PROFILE": "work"]).apiKey.value
                == "sk-test-work-888888")
    }

    @Test("a credentials path that is a folder, or a file that is not UTF-8, says so instead of a generic read error")
    func unreadableFile() throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let path = home.appendingPathComponent(".alibabacloud/credentials")
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        let folderError = try #require(throws: ZImageError.self) {
            try Credentials.resolve(environment: ["HOME": home.path])
        }
        #expect(folderError.description.contains("it is a folder, not a file"), "\(folderError)")
        try FileManager.default.removeItem(at: path)
        try Data([0x5B, 0x64, 0x65, 0x66, 0x5D, 0x0A, 0xFF, 0xFE, 0x00]).write(to: path)
        let encodingError = try #require(throws: ZImageError.self) {
            try Credentials.resolve(environment: ["HOME": home.path])
        }
        #expect(encodingError.description.contains("it is not UTF-8 text"), "\(encodingError)")
    }

    struct Missing: Sendable, CustomTestStringConvertible {
        var file: String?
        var environment: [String: String] = [:]
        var mentions: [String]
        var testDescription: String { mentions.joined(separator: ", ") }
    }

    @Test(
        "no key is an error naming both places to put one and why the file gave none",
        arguments: [
            Missing(file: nil, mentions: ["file not found"]),
            Missing(file: "[default]\ntype = access_key\n", mentions: ["profile [default] has no dashscope_api_key"]),
            Missing(
                file: "[work]\ndashscope_api_key = sk-test-work-555555\n", environment: ["ALICLOUD_PROFILE": "prod"],
                mentions: ["no [prod] profile", "under [prod]"]),
            Missing(
                file: "[default]\ndashscope_api_key sk-test-malformed-666666\n", mentions: ["line 2 could not be read"]),
            Missing(file: "[default]\ndashscope_api_key =\n", mentions: ["has no dashscope_api_key"]),
        ])
    func missing(_ input: Missing) throws {
        let home = try home(input.file)
        defer { try? FileManager.default.removeItem(at: home) }
        let error = try #require(throws: ZImageError.self) {
            try Credentials.resolve(environment: input.environment.merging(["HOME": home.path]) { $1 })
        }
        guard error.code == .missingCredentials else {
            Issue.record("expected missingCredentials, got \(error)")
            return
        }
        #expect(error.exitCode == 3)
        for text in ["DASHSCOPE_API_KEY", "~/.alibabacloud/credentials"] + input.mentions {
            #expect(error.description.contains(text), "\(error.description) should mention \(text)")
        }
        // No key written anywhere in the file reaches the message.
        #expect(!error.description.contains("sk-test-"))
    }
}
