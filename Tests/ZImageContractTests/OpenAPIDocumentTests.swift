import Foundation
import Testing

@testable import ZImage
@testable import ZImageContract
@testable import ZImageContractSuite

@Suite("The contract as OpenAPI: generated from the code, committed, and written as YAML that reads back the same")
struct OpenAPIDocumentTests {
    static let committed = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml")

    @Test("docs/openapi.yaml is what the code generates now (`make openapi` rewrites it)")
    func committedDocumentIsFresh() throws {
        let text = try String(contentsOf: Self.committed, encoding: .utf8)
        let fresh = OpenAPIDocument.yaml
        let firstDifference = zip(text.split(separator: "\n"), fresh.split(separator: "\n")).enumerated()
            .first { $0.element.0 != $0.element.1 }
        #expect(
            text == fresh,
            """
            docs/openapi.yaml differs from a fresh generation\
            \(firstDifference.map { " at line \($0.offset + 1): committed \"\($0.element.0)\", generated \"\($0.element.1)\"" } ?? " in length").
            Run `make openapi` and commit the result.
            """)
    }

    @Test("every parameter, every documented error status and both regions are in the document")
    func coversTheDefinitions() {
        let text = OpenAPIDocument.yaml
        for key in GenerationParameters.CodingKeys.allCases { #expect(text.contains("\n        \(key.rawValue):\n")) }
        for error in DashScopeAPI.documentedErrors {
            #expect(text.contains("\"\(error.status)\":"))
            for code in error.codes { #expect(text.contains(code)) }
        }
        for region in Region.allCases {
            #expect(text.contains("https://\(region.host)") && text.contains(region.exampleResultHost))
        }
        #expect(text.contains(GenerationParameters.sizePattern.replacingOccurrences(of: "\\", with: "\\\\")))
    }

    @Test(
        "scalars are quoted when YAML would read them as something else",
        arguments: [
            (YAMLNode.string("plain text"), "plain text"), ("yes", "\"yes\""), ("Null", "\"Null\""),
            ("1024*1024", "\"1024*1024\""), ("a: b", "\"a: b\""), ("# c", "\"# c\""), ("ends ", "\"ends \""),
            ("tab\there", "\"tab\\there\""), ("bell\u{7}", "\"bell\\u0007\""), ("line\u{2028}", "\"line\\u2028\""),
            ("quote \" and \\", "\"quote \\\" and \\\\\""), ("", "\"\""), (.null, "null"), (.int(-3), "-3"),
            (.bool(false), "false"), (.list([]), "[]"), (.members([]), "{}"),
            (YAMLNode(JSONValue.double(1.5)), "1.5"),
            (YAMLNode(JSONValue.bigInteger("-18446744073709551616")), "-18446744073709551616"),
        ] as [(YAMLNode, String)])
    func scalars(node: YAMLNode, written: String) {
        #expect(YAMLNode.map(["key": node]).text == "key: \(written)\n")
    }

    @Test(
        "lists and maps nest in block style; a multi-line string is a literal block; keys that are numbers are quoted")
    func blocks() {
        let node = YAMLNode.map([
            "200": .map(["a": .list([.map(["b": 1, "c": .list(["x"])]), "z"])]),
            "text": "one\ntwo",
        ])
        #expect(
            node.text == """
                "200":
                  a:
                    - b: 1
                      c:
                        - x
                    - z
                text: |-
                  one
                  two

                """)
    }

    @Test("the prompt pattern matches exactly the characters Foundation does not trim (the whole BMP)")
    func promptPatternIsFoundationsWhiteSpace() throws {
        let pattern = try NSRegularExpression(pattern: GenerationParameters.promptPattern)
        var disagreements: [String] = []
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar))
            let matches = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            let trimmed = CharacterSet.whitespacesAndNewlines.contains(scalar)
            if matches == trimmed { disagreements.append(String(value, radix: 16)) }
        }
        #expect(disagreements.isEmpty, "U+\(disagreements.prefix(10).joined(separator: ", U+"))")
    }

    @Test(
        "a size on the wire is two positive whole numbers joined by *, seven digits a side at most",
        arguments: [
            ("1024*1024", true), ("600*500", true), ("9999999*1", true), ("0512*512", false), ("+512*512", false),
            ("512x512", false), (" 512*512", false), ("512*", false), ("10000000*1", false), ("٥١٢*512", false),
            ("1*2*3", false),
        ])
    func wireSize(text: String, valid: Bool) throws {
        #expect((GenerationParameters.wireSize(text) != nil) == valid)
        let pattern = try NSRegularExpression(pattern: GenerationParameters.sizePattern)
        #expect((pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil) == valid)
    }

    @Test("the retried statuses are the documented retryable ones, plus a gateway's 502 and 504")
    func retriedStatuses() {
        for error in DashScopeAPI.documentedErrors {
            #expect(RetryPolicy.retryableStatuses.contains(error.status) == error.isRetried, "\(error.status)")
        }
        #expect(RetryPolicy.retryableStatuses.subtracting(DashScopeAPI.documentedErrors.map(\.status)) == [502, 504])
    }
}
