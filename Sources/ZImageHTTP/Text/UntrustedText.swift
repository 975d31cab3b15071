/// Text that came from outside (a cassette from a pull request, a server's answer, a file's name), made safe to print to
/// a terminal or a CI log.
///
/// Two things in such text act instead of being read: control characters (an escape sequence recolours, moves the cursor
/// or retitles the terminal; a line break starts a line the text's author wrote) and the workflow commands of GitHub
/// Actions, which forge annotations or hide the real ones: `::error file=…::`, `::add-mask::`, `::stop-commands::` at
/// the start of a line, and the older `##[error]`, `##[add-mask]`… anywhere in it (the runner's
/// `ActionCommand.TryParse` looks for `##[` wherever it stands). ``escaped(_:)`` turns every control character into a
/// visible escape, so untrusted text can never start a line; ``guardedLine(_:)`` is the last line of defence the
/// commands apply to every line they print.
package enum UntrustedText {
    /// `text` with every control character, bidirectional override and line separator shown as an escape (`\n`,
    /// `\u{1B}`), and workflow commands defused (`\u{3A}:error` at the start, `#\u{23}[error]` anywhere): safe anywhere in a
    /// line of output.
    package static func escaped(_ text: some StringProtocol) -> String {
        guardedLine(escapingControls(text))
    }

    /// `line` with a leading workflow command (`::`, after any white space) and every legacy one (`##[`, wherever it
    /// stands) defused, and every control character but the tab escaped: what a command's own output line may hold. Its
    /// own annotations are printed without it.
    package static func guardedLine(_ line: some StringProtocol) -> String {
        var escaped = escapingControls(line, keepingTabs: true)
        escaped = escaped.replacing("##[", with: #"#\u{23}["#)
        let body = escaped.drop { $0 == " " || $0 == "\t" }
        guard body.hasPrefix("::") else { return escaped }
        let indent = escaped[..<body.startIndex]
        return "\(indent)\\u{\(hex(body.unicodeScalars.first?.value ?? 0))}\(body.dropFirst())"
    }

    /// Whether `scalar` is shown as an escape: C0 and C1 controls, DEL, the bidirectional marks and overrides that
    /// reorder what a reader sees (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), and the Unicode line and paragraph
    /// separators.
    package static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    private static func escapingControls(_ text: some StringProtocol, keepingTabs: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: isEscaped) else { return String(text) }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard isEscaped(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\t" where keepingTabs: result += "\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default: result += "\\u{\(hex(scalar.value))}"
            }
        }
        return result
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}

extension DefaultStringInterpolation {
    /// Interpolates text from outside through ``UntrustedText/escaped(_:)``: `"FAIL \(untrusted: scenario.name)"`.
    package mutating func appendInterpolation(untrusted text: some StringProtocol) {
        appendLiteral(UntrustedText.escaped(text))
    }

    /// Interpolates the description of a value built from outside text (an error quoting a cassette) through
    /// ``UntrustedText/escaped(_:)``.
    package mutating func appendInterpolation(untrusted value: Any) {
        appendLiteral(UntrustedText.escaped(String(describing: value)))
    }
}
