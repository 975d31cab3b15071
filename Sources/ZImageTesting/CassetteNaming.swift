import Foundation
import Testing

/// How a test's cassette file is named without the user naming it, and with one file per argument case of a
/// parameterized test (the layout is in the article "Testing your code offline").
///
/// - `@Test(.cassette)` in `struct PosterTests`: `Cassettes/PosterTests/makesAPoster.json`; nested suites nest folders.
/// - `@Test(.cassette("lighthouse"))`: `Cassettes/lighthouse.json`.
/// - Parameterized, one file per case: `Cassettes/PosterTests/aspectRatio/0.5.json` (or `…/lighthouse/0.5.json` when
///   named), from the case's arguments as Swift Testing describes them. An argument that is not already a portable
///   lower-case name (`hello world`, `Hello`, `con`, a long one) gets a readable prefix and a hash of its description,
///   so two different arguments never share a file, not even on a file system that ignores letter case. With
///   `shared: true`, every case uses the one file.
enum CassetteNaming {
    /// The path of the cassette below `Cassettes/`, without `.json`.
    package static func path(name: String?, shared: Bool, test: Test, testCase: Test.Case?) -> String {
        let base = name ?? automaticName(of: test)
        guard !shared, let testCase, testCase.isParameterized else { return base }
        return base + "/" + caseName(testCase)
    }

    /// `Suite/Inner/function`, from the test's identity (the function without its argument labels).
    static func automaticName(of test: Test) -> String {
        var components = test.id.nameComponents
        let function = components.popLast().map { String($0.prefix { $0 != "(" }) } ?? test.name
        return (components + [function]).map(slug).joined(separator: "/")
    }

    /// A file name for the case, from its arguments' test descriptions: one ``portableName(_:)`` each, joined by `+`
    /// (which no such name contains, so two cases never share a file), or a readable prefix and a hash of all of them
    /// when that is longer than ``maximumNameBytes``.
    static func caseName(_ testCase: Test.Case) -> String {
        let described = arguments(of: testCase).map { value in
            (value as? any StringProtocol).map { String($0) } ?? String(describingForTest: value)
        }
        guard !described.isEmpty else { return "all-cases" }
        let joined = described.map(portableName).joined(separator: "+")
        guard joined.utf8.count > maximumNameBytes else { return joined }
        return hashedName(slug(described.joined(separator: "-")), of: described.joined(separator: "\u{1F}"))
    }

    /// The longest file name the harness makes or accepts, in UTF-8 bytes: well inside every file system's limit (255),
    /// with room for `.json` and for tools that add suffixes.
    static let maximumNameBytes = 100

    /// `text` as a file name that no other text is given, on any file system: `text` itself when it is already a
    /// portable lower-case name (ASCII letters, digits, `.`, `_`, `-`; not reserved on Windows; not shaped like a
    /// hashed name; at most 64 bytes), else a readable lower-case prefix of it and 12 hex digits of a hash of `text`.
    /// So `hello-world` stays `hello-world`, while `hello world` and `Hello-World` each get a name of their own (two
    /// names that differ only by letter case would be one file on macOS and Windows).
    package static func portableName(_ text: String) -> String {
        let readable = slug(text).lowercased()
        let exact =
            readable == text && readable.utf8.count <= 64 && !isReserved(readable)
            && readable.wholeMatch(of: hashedShape) == nil
        return exact ? readable : hashedName(readable, of: text)
    }

    /// A readable prefix of `readable` (at most 40 bytes; `case` when nothing is left) and 12 hex digits of `identity`'s
    /// hash.
    private static func hashedName(_ readable: String, of identity: String) -> String {
        let prefix = String(readable.lowercased().prefix(40)).trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
        return (prefix.isEmpty ? "case" : prefix) + "-" + hash(identity)
    }

    /// What a hashed name ends with: a `-` and 12 hex digits.
    nonisolated(unsafe) private static let hashedShape = /.*-[0-9a-f]{12}/

    /// Whether `name` is a device name Windows reserves (with or without an extension): `con`, `nul`, `com1`…
    private static func isReserved(_ name: String) -> Bool {
        let stem = name.split(separator: ".", omittingEmptySubsequences: false).first.map(String.init) ?? name
        let devices: Set<String> = ["con", "prn", "aux", "nul"]
        if devices.contains(stem.lowercased()) { return true }
        return stem.lowercased().wholeMatch(of: /(com|lpt)[0-9]/) != nil
    }

    /// Refuses a cassette name given by a test that is not portable: each `/`-separated part must be non-empty, not `.`
    /// or `..`, free of NUL, `\\` and control characters, at most ``maximumNameBytes`` bytes, and not a reserved
    /// device name.
    ///
    /// - Throws: ``CassetteTestError`` naming the part and what is allowed.
    static func validate(_ name: String) throws {
        for part in name.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
            let problem: String? =
                if part.isEmpty || part == "." || part == ".." {
                    "has an empty, `.` or `..` part"
                } else if part.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" || $0.value == 0x7F }) {
                    "has a control character or a backslash"
                } else if part.utf8.count > maximumNameBytes {
                    "has a part longer than \(maximumNameBytes) bytes"
                } else if isReserved(part) {
                    "has a part (\(part)) that Windows reserves for a device"
                } else {
                    nil
                }
            if let problem {
                throw CassetteTestError(
                    "the cassette name \(String(reflecting: name)) \(problem); allowed: names of up to "
                        + "\(maximumNameBytes) bytes each, separated by /, such as \"posters/lighthouse\"")
            }
        }
    }

    /// The argument values of a test case. Swift Testing keeps them where its public interface does not show them (in
    /// 6.3, `_kind: .parameterized(arguments: [Argument(value:…)], …)`); reflection finds the first `arguments` a few
    /// levels down. Where a future version keeps them elsewhere none are found, and the name falls back to the hash of
    /// an empty description: every case then shares one file, as with `shared: true`, rather than a name that changes
    /// from run to run.
    package static func arguments(of testCase: Test.Case) -> [Any] {
        func find(_ value: Any, depth: Int) -> Any? {
            guard depth < 4 else { return nil }
            for child in Mirror(reflecting: value).children {
                if child.label == "arguments" { return child.value }
                if let found = find(child.value, depth: depth + 1) { return found }
            }
            return nil
        }
        guard let stored = find(testCase, depth: 0) else { return [] }
        return Mirror(reflecting: stored).children.compactMap { argument in
            Mirror(reflecting: argument.value).children.first { $0.label == "value" }?.value
        }
    }

    /// `text` as a file name: ASCII letters, digits, `.` and `_` kept, any run of anything else one `-`, no `.` or `-`
    /// at either end (so never `..`, never hidden).
    package static func slug(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            let kept = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "." || scalar == "_")
            if kept {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("-") {
                result += "-"
            }
        }
        let trimmed = result.trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
        return trimmed.isEmpty ? "-" : trimmed
    }

    /// Twelve hex digits of 64-bit FNV-1a over `text`: stable from run to run, unlike `hashValue`.
    package static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value = (value ^ UInt64(byte)) &* 0x0100_0000_01b3
        }
        return String(String(format: "%016llx", value).prefix(12))
    }
}
