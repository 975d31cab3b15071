import Foundation
import Testing

/// How a test's cassette file is named without the user naming it, and with one file per argument case of a
/// parameterized test (the layout is in the README's "Testing your own code offline").
///
/// - `@Test(.cassette)` in `struct PosterTests`: `Cassettes/PosterTests/makesAPoster.json`; nested suites nest folders.
/// - `@Test(.cassette("lighthouse"))`: `Cassettes/lighthouse.json`.
/// - Parameterized, one file per case: `Cassettes/PosterTests/aspectRatio/0.5.json` (or `…/lighthouse/0.5.json` when
///   named), from the case's arguments as Swift Testing describes them; an argument that makes no readable name (too
///   long, or nothing but punctuation) is named by a hash of its description instead. With `shared: true`, every case
///   uses the one file.
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

    /// A file name for the case: its arguments' test descriptions, joined by `-`.
    static func caseName(_ testCase: Test.Case) -> String {
        let described = arguments(of: testCase).map { value in
            (value as? any StringProtocol).map { String($0) } ?? String(describingForTest: value)
        }
        let joined = slug(described.joined(separator: "-"))
        guard !described.isEmpty else { return "all-cases" }
        guard joined.count <= 64, joined.contains(where: { $0.isLetter || $0.isNumber }) else {
            return "case-" + hash(described.joined(separator: "\u{1F}"))
        }
        return joined
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

    /// Eight hex digits of FNV-1a over `text`: stable from run to run, unlike `hashValue`.
    package static func hash(_ text: String) -> String {
        var value: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            value = (value ^ UInt32(byte)) &* 16_777_619
        }
        return String(format: "%08x", value)
    }
}
