public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the API key comes from (docs/CONTRACT.md "Credentials"): `DASHSCOPE_API_KEY` in the environment wins; else option
/// `dashscope_api_key` of a profile in the INI file `~/.alibabacloud/credentials`, the profile named by
/// `ALIBABA_CLOUD_PROFILE`, else `ALICLOUD_PROFILE`, else `default`.
public struct Credentials: Sendable, Hashable {
    /// The environment variable that holds a key.
    static let environmentVariable = "DASHSCOPE_API_KEY"
    /// The option of the credentials file that holds a key (matched in any case).
    package static let fileOption = "dashscope_api_key"
    /// The credentials file, relative to the home folder.
    package static let relativeFilePath = ".alibabacloud/credentials"
    /// The largest credentials file read: one with dozens of profiles is a few KiB.
    package static let maximumFileSize = 64 * 1024

    /// Where a key was found.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// The named environment variable.
        case environment(String)
        /// The credentials file at `path`, in `profile`.
        case file(path: String, profile: String)

        /// How it reads in a message.
        public var description: String {
            switch self {
            case .environment(let name): "$\(name)"
            case .file(let path, let profile): "\(path) [\(profile)]"
            }
        }
    }

    /// The key found, never printed (see ``APIKey``).
    public var apiKey: APIKey
    /// Where it came from.
    public var source: Source

    /// Creates credentials from a known key.
    package init(apiKey: APIKey, source: Source) {
        self.apiKey = apiKey
        self.source = source
    }

    /// Finds the key as docs/CONTRACT.md says.
    ///
    /// - Parameters:
    ///   - environment: the process environment (injected for tests).
    ///   - homeDirectory: the home folder; `HOME` from `environment` when `nil`, then the user's home.
    /// - Throws: ``ZImageError`` with code `missingCredentials` naming both places to put a key and why the file gave none.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String? = nil
    ) throws -> Credentials {
        if let key = environment[environmentVariable]?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty {
            return Credentials(apiKey: APIKey(key), source: .environment(environmentVariable))
        }
        let profile =
            [environment["ALIBABA_CLOUD_PROFILE"], environment["ALICLOUD_PROFILE"]]
            .compactMap { $0?.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty } ?? "default"
        let home = homeDirectory ?? environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        let path = URL(fileURLWithPath: home).appendingPathComponent(relativeFilePath).path

        func missing(_ problem: String, malformed: [Int] = []) -> ZImageError {
            .missingCredentials(
                .init(
                    environmentVariable: environmentVariable, filePath: path, profile: profile,
                    fileProblem: problem, malformedLines: malformed))
        }

        let bytes: Data
        switch FileKind.resolving(path) {
        case .missing:
            throw missing("file not found")
        case .directory:
            throw missing("it is a folder, not a file")
        case .regular:
            do {
                // A credentials file is a few hundred bytes: read at most the bound and one byte more, so a huge file
                // (a mistake, or a hostile home folder) costs nothing and is named.
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
                defer { try? handle.close() }
                bytes = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
            } catch {
                throw missing("it could not be read (\(String(cString: strerror(Self.errno(of: error)))))")
            }
        default:
            throw missing("it is not a regular file")
        }
        guard bytes.count <= maximumFileSize else {
            throw missing(
                "it is larger than \(maximumFileSize / 1024) KiB, far more than any credentials file: it was not read "
                    + "(is it the right file?)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw missing("it is not UTF-8 text (save it as UTF-8)")
        }
        let file = INIFile(parsing: text)
        guard let section = file.sections[profile] else {
            throw missing("no [\(profile)] profile", malformed: file.malformedLines)
        }
        guard let key = section[fileOption], !key.isEmpty else {
            throw missing("profile [\(profile)] has no \(fileOption)", malformed: file.malformedLines)
        }
        return Credentials(apiKey: APIKey(key), source: .file(path: path, profile: profile))
    }

    /// The errno behind a failed read, for a message that says why (permission denied), `EIO` when none is known.
    private static func errno(of error: any Error) -> Int32 {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain { return Int32(underlying.code) }
        return (error as NSError).code == NSFileReadNoPermissionError ? EACCES : EIO
    }
}

/// The INI dialect of `~/.alibabacloud/credentials`: `[profile]` headers, `name = value` (or `name: value`) options whose
/// names are case-insensitive, `#` and `;` comment lines, values optionally in quotes; lines end in LF, CRLF (a file
/// written on Windows) or CR, and a leading byte-order mark is ignored.
///
/// A line that is none of these is skipped and its number kept in ``malformedLines``, so one bad line elsewhere in the file
/// does not hide a good key, and a missing key can still be explained.
package struct INIFile {
    /// Options by profile name, then by lower-cased option name.
    package private(set) var sections: [String: [String: String]] = [:]
    /// 1-based numbers of the lines that could not be read.
    private(set) var malformedLines: [Int] = []

    package init(parsing text: String) {
        var current: String?
        // `Character.isNewline` is true of "\n", "\r" and "\r\n" (one Character in Swift), so every line ending splits.
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        for (index, rawLine) in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    malformedLines.append(index + 1)
                    current = nil
                    continue
                }
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let profile = current,
                let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }),
                case let name = line[..<separator].trimmingCharacters(in: .whitespaces).lowercased(), !name.isEmpty
            else {
                malformedLines.append(index + 1)
                continue
            }
            sections[profile]?[name] = Self.unquote(
                line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces))
        }
    }

    private static func unquote(_ value: String) -> String {
        for quote in ["\"", "'"] where value.count >= 2 && value.hasPrefix(quote) && value.hasSuffix(quote) {
            return String(value.dropFirst().dropLast())
        }
        return value
    }
}
