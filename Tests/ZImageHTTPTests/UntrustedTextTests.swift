import Testing

@testable import ZImageHTTP

@Suite("Untrusted text: no control character, escape sequence or workflow command reaches a terminal or a CI log")
struct UntrustedTextTests {
    @Test(
        "control characters, bidirectional overrides and line separators become visible escapes",
        arguments: [
            ("a\nb", #"a\nb"#), ("a\r\nb", #"a\r\nb"#), ("tab\there", #"tab\there"#),
            ("\u{1B}[31mred", #"\u{1B}[31mred"#),
            ("bell\u{07}", #"bell\u{07}"#), ("del\u{7F}", #"del\u{7F}"#), ("c1\u{9B}31m", #"c1\u{9B}31m"#),
            ("rtl\u{202E}txt.exe", #"rtl\u{202E}txt.exe"#), ("line\u{2028}sep", #"line\u{2028}sep"#),
            ("plain: ok, ünïcödé 🎨", "plain: ok, ünïcödé 🎨"),
        ])
    func escapes(_ input: String, _ expected: String) {
        #expect(UntrustedText.escaped(input) == expected)
        #expect("[\(untrusted: input)]" == "[\(expected)]")
    }

    @Test(
        "no workflow command survives: a leading :: after any white space, and the legacy ##[ anywhere in a line",
        arguments: [
            ("::error file=README.md::INJECTED", #"\u{3A}:error file=README.md::INJECTED"#),
            ("  ::add-mask::secret", #"  \u{3A}:add-mask::secret"#),
            ("\t::stop-commands::x", "\t\\u{3A}:stop-commands::x"),
            ("##[error]old syntax", #"#\u{23}[error]old syntax"#),
            ("a ::error:: in the middle", "a ::error:: in the middle"),
            ("code Bad##[error]INJECTED", #"code Bad#\u{23}[error]INJECTED"#),
            ("x##[warning]a.json and ##[add-mask]k", #"x#\u{23}[warning]a.json and #\u{23}[add-mask]k"#),
            ("###[stop-commands]t", #"##\u{23}[stop-commands]t"#),
            ("a single #[ stays", "a single #[ stays"),
        ])
    func workflowCommands(_ line: String, _ expected: String) {
        #expect(UntrustedText.guardedLine(line) == expected)
    }

    @Test("text that smuggles a line break cannot start a new line: the break is escaped before the command is reached")
    func smuggledLine() {
        let name = "x\n::error file=README.md::INJECTED\u{1B}]0;title\u{07}"
        let line = "FAIL  contract-beijing  \(untrusted: name)"
        #expect(!line.contains("\n") && !line.contains("\u{1B}"))
        #expect(line == #"FAIL  contract-beijing  x\n::error file=README.md::INJECTED\u{1B}]0;title\u{07}"#)
    }
}
