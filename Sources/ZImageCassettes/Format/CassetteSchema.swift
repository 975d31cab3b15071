import Foundation
import HTTPTypes
import ZImageHTTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one definition of what a cassette file may hold, applied whole before any part of it is used.
///
/// A cassette is code from a pull request: everything that reads one (`zimage cassettes check`, `validate`, the report,
/// HAR export, replay, the replay server) goes through ``decode(_:from:)``, so what `check` passes the others accept and
/// what it refuses none of them runs. The rules:
/// - the document is one JSON object with no key twice in any object and no field this format does not define;
/// - `format` is 1; `source` is `live` or `simulator`; `recorded_at` is an ISO 8601 time; names hold no control character;
/// - each interaction has a `request` (a method that is an HTTP token, an absolute `http` or `https` URL with a host and no
///   white space or control character, header names that are HTTP tokens and values valid by RFC 9110) and a `response`
///   (a status from 100 to 599, headers as for the request);
/// - a body is exactly one of `json`, `text`, or `file` with `sha256`; a file is `bodies/<sha256>.png` or
///   `bodies/<sha256>.bin` inside the cassette's folder, named by the hash it states, a regular file reached through no
///   symbolic link, whose bytes have that hash (and are a sound PNG when it is one).
enum CassetteSchema {
    static let topLevelFields: Set<String> = [
        "format", "region", "source", "recorded_at", "recorded_with", "scenario", "interactions",
    ]
    static let interactionFields: Set<String> = ["request", "response"]
    static let requestFields: Set<String> = ["method", "url", "headers", "body"]
    static let responseFields: Set<String> = ["status", "headers", "body"]
    /// The statuses a recorded response may have: what HTTP defines (RFC 9110 §15), and what the transports can replay.
    static let statuses = 100...599
    /// The body files a cassette may name, relative to its folder: `bodies/` and the body's sha256 in lower-case hex.
    static let bodyExtensions: Set<String> = ["png", "bin"]

    /// Decodes and validates a cassette read from `url`.
    ///
    /// - Throws: ``CassetteError`` naming the field and what is allowed there.
    static func decode(
        _ data: Data, from url: URL, verifyingImages verifyImage: (@Sendable (Data) throws -> Void)?
    ) throws
        -> Cassette
    {
        let path = url.path
        func unreadable(_ reason: String) -> CassetteError { .unreadable(path: path, reason: reason) }
        let parsed: JSONValue
        do {
            parsed = try CanonicalJSON.parse(data, rejectingDuplicateKeys: true)
        } catch {
            throw unreadable("it is not JSON as a cassette must be (\(error))")
        }
        guard case .object(let root) = parsed else { throw unreadable("it is not a JSON object") }
        guard case .int(let format)? = root["format"] else {
            throw unreadable("format is missing or not a whole number")
        }
        guard format == Cassette.currentFormat else { throw CassetteError.unsupportedFormat(path: path, found: format) }
        try fields(of: root, at: "the cassette", allowed: topLevelFields, path: path)

        let region = try root["region"].map { try name($0, at: "region", path: path) }
        let sourceName = try name(root["source"], at: "source", path: path)
        guard let source = Cassette.Source(rawValue: sourceName) else {
            throw unreadable("source is \"\(sourceName)\"; allowed: live, simulator")
        }
        let recordedAt = try name(root["recorded_at"], at: "recorded_at", path: path)
        guard isInternetDateTime(recordedAt) else {
            throw unreadable("recorded_at is \"\(recordedAt)\"; allowed: an ISO 8601 time such as 2026-11-24T12:00:00Z")
        }
        let recordedWith = try name(root["recorded_with"], at: "recorded_with", path: path)
        if let scenario = root["scenario"] {
            guard case .object = scenario else { throw unreadable("scenario is not an object") }
        }
        guard case .array(let items)? = root["interactions"] else {
            throw unreadable("interactions is missing or not a list")
        }

        let bodies = BodyFolder(cassette: url, verifyImage: verifyImage)
        var interactions: [Interaction] = []
        interactions.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let at = "interactions[\(index)]"
            guard case .object(let interaction) = item else { throw unreadable("\(at) is not an object") }
            try fields(of: interaction, at: at, allowed: interactionFields, path: path)
            guard case .object(let request)? = interaction["request"] else {
                throw unreadable("\(at).request is missing or not an object")
            }
            guard case .object(let response)? = interaction["response"] else {
                throw unreadable("\(at).response is missing or not an object")
            }
            try fields(of: request, at: "\(at).request", allowed: requestFields, path: path)
            try fields(of: response, at: "\(at).response", allowed: responseFields, path: path)

            let method = try name(request["method"], at: "\(at).request.method", path: path)
            guard HTTPRequest.Method(method) != nil else {
                throw unreadable("\(at).request.method is \"\(method)\"; allowed: an HTTP method such as GET or POST")
            }
            let requestURL = try name(request["url"], at: "\(at).request.url", path: path)
            guard isAbsoluteHTTPURL(requestURL) else {
                throw unreadable(
                    "\(at).request.url is \"\(requestURL)\"; allowed: an absolute http or https URL with a host and "
                        + "no white space")
            }
            guard case .int(let status)? = response["status"] else {
                throw unreadable("\(at).response.status is missing or not a whole number")
            }
            guard statuses.contains(status) else {
                throw unreadable(
                    "\(at).response.status is \(status); allowed: \(statuses.lowerBound) to \(statuses.upperBound)")
            }
            interactions.append(
                Interaction(
                    request: RecordedRequest(
                        method: method, url: requestURL,
                        headers: try headers(request["headers"], at: "\(at).request.headers", path: path),
                        body: try bodies.body(request["body"], at: "\(at).request.body", path: path)),
                    response: RecordedResponse(
                        status: status,
                        headers: try headers(response["headers"], at: "\(at).response.headers", path: path),
                        body: try bodies.body(response["body"], at: "\(at).response.body", path: path) ?? Data())))
        }
        var cassette = Cassette(
            region: region, source: source, recordedAt: recordedAt, recordedWith: recordedWith,
            interactions: interactions)
        cassette.scenario = root["scenario"]
        return cassette
    }

    /// Whether `text` is an RFC 3339 date-time (`2026-11-24T12:00:00Z`, a fraction and an offset allowed), checked by
    /// hand: making an `ISO8601DateFormatter` costs more than loading a small cassette.
    static func isInternetDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>, _ allowed: ClosedRange<Int>) -> Bool {
            guard range.upperBound <= bytes.count else { return false }
            var value = 0
            for byte in bytes[range] {
                guard (0x30...0x39).contains(byte) else { return false }
                value = value * 10 + Int(byte - 0x30)
            }
            return allowed.contains(value)
        }
        func at(_ index: Int, _ character: Character) -> Bool {
            index < bytes.count && bytes[index] == character.asciiValue
        }
        guard number(0..<4, 0...9999), at(4, "-"), number(5..<7, 1...12), at(7, "-"), number(8..<10, 1...31),
            at(10, "T") || at(10, "t"), number(11..<13, 0...23), at(13, ":"), number(14..<16, 0...59), at(16, ":"),
            number(17..<19, 0...60)
        else { return false }
        var position = 19
        if at(position, ".") {
            position += 1
            let digits = bytes[position...].prefix { (0x30...0x39).contains($0) }.count
            guard digits > 0 else { return false }
            position += digits
        }
        if at(position, "Z") || at(position, "z") { return position + 1 == bytes.count }
        guard at(position, "+") || at(position, "-") else { return false }
        return position + 6 == bytes.count && number(position + 1..<position + 3, 0...23) && at(position + 3, ":")
            && number(position + 4..<position + 6, 0...59)
    }

    /// Refuses a field `object` has that `allowed` does not name.
    private static func fields(
        of object: [String: JSONValue], at place: String, allowed: Set<String>, path: String
    ) throws {
        guard object.keys.contains(where: { !allowed.contains($0) }) else { return }
        if let unknown = object.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw CassetteError.unreadable(
                path: path,
                reason: "\(place) has the field \"\(untrusted: unknown)\", which this format does not define; allowed: "
                    + allowed.sorted().joined(separator: ", "))
        }
    }

    /// A string with no control character (a name, a method, a URL, a time).
    private static func name(_ value: JSONValue?, at place: String, path: String) throws -> String {
        guard case .string(let text)? = value else {
            throw CassetteError.unreadable(path: path, reason: "\(place) is missing or not a string")
        }
        guard !text.unicodeScalars.contains(where: UntrustedText.isEscaped) else {
            throw CassetteError.unreadable(path: path, reason: "\(place) holds a control character")
        }
        return text
    }

    /// Header fields whose names are HTTP tokens and whose values are valid by RFC 9110.
    private static func headers(_ value: JSONValue?, at place: String, path: String) throws -> [String: String] {
        guard let value else { return [:] }
        guard case .object(let members) = value else {
            throw CassetteError.unreadable(path: path, reason: "\(place) is not an object")
        }
        var headers: [String: String] = [:]
        for (name, value) in members {
            guard HTTPField.Name(name) != nil else {
                throw CassetteError.unreadable(
                    path: path,
                    reason: "\(place) has the header name \"\(untrusted: name)\", which is not an "
                        + "HTTP token")
            }
            guard case .string(let text) = value, HTTPField.isValidValue(text) else {
                throw CassetteError.unreadable(
                    path: path, reason: "\(place).\(untrusted: name) is not a string valid as an HTTP field value")
            }
            headers[name] = text
        }
        return headers
    }

    /// Whether `text` is an absolute `http` or `https` URL with a host, and no white space or control character.
    static func isAbsoluteHTTPURL(_ text: String) -> Bool {
        let lowered = text.prefix(8).lowercased()
        let rest: Substring
        if lowered.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if lowered.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            return false
        }
        guard !text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return false }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        return !host.isEmpty && !host.hasPrefix(":")
    }

    /// The `bodies/` folder beside a cassette, read without following a symbolic link anywhere below the cassette's folder.
    struct BodyFolder {
        let folder: URL
        let verifyImage: (@Sendable (Data) throws -> Void)?

        init(cassette: URL, verifyImage: (@Sendable (Data) throws -> Void)?) {
            folder = cassette.deletingLastPathComponent()
            self.verifyImage = verifyImage
        }

        /// A body as stored: JSON, text, or the bytes of a body file checked against its hash.
        func body(_ value: JSONValue?, at place: String, path: String) throws -> Data? {
            func unreadable(_ reason: String) -> CassetteError { .unreadable(path: path, reason: reason) }
            guard let value else { return nil }
            guard case .object(let stored) = value else { throw unreadable("\(place) is not an object") }
            let kinds = stored.keys.sorted()
            switch kinds {
            case ["json"]:
                guard let json = stored["json"] else { break }
                return json.data
            case ["text"]:
                guard case .string(let text)? = stored["text"] else {
                    throw unreadable("\(place).text is not a string")
                }
                return Data(text.utf8)
            case ["file", "sha256"]:
                guard case .string(let file)? = stored["file"], case .string(let expected)? = stored["sha256"] else {
                    throw unreadable("\(place).file and \(place).sha256 must be strings")
                }
                return try read(file, expected: expected, at: place, path: path)
            default:
                break
            }
            throw unreadable(
                "\(place) has the fields \(untrusted: kinds.joined(separator: ", ")); allowed: json, or text, or file with sha256"
            )
        }

        /// The bytes of `bodies/<sha256>.<ext>`, refused unless the name is that form, the hash is the one stated, and
        /// neither the folder nor the file is a symbolic link.
        private func read(_ file: String, expected: String, at place: String, path: String) throws -> Data {
            func unreadable(_ reason: String) -> CassetteError { .unreadable(path: path, reason: reason) }
            let parts = file.split(separator: "/", omittingEmptySubsequences: false)
            let stem = parts.count == 2 ? parts[1].split(separator: ".", omittingEmptySubsequences: false) : []
            guard parts.count == 2, parts[0] == "bodies", stem.count == 2, stem[0].count == 64,
                stem[0].utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
                bodyExtensions.contains(String(stem[1]))
            else {
                throw unreadable(
                    "\(place).file is \"\(untrusted: file)\"; allowed: bodies/<sha256>.png or bodies/<sha256>.bin, the "
                        + "body's sha256 in lower-case hex, inside the cassette's folder")
            }
            guard stem[0] == expected else {
                throw unreadable(
                    "\(place).file is named for sha256 \(stem[0]), but \(place).sha256 is \"\(untrusted: expected)\"")
            }
            let bodies = folder.appendingPathComponent("bodies")
            switch FileKind.of(bodies.path) {
            case .directory: break
            case .missing: throw CassetteError.missingBody(path: path, file: file)
            case .symbolicLink: throw unreadable("its bodies folder is a symbolic link, which a cassette may not use")
            default: throw unreadable("its bodies folder is not a folder")
            }
            let target = bodies.appendingPathComponent(String(parts[1]))
            let bytes: Data
            switch FileKind.of(target.path) {
            case .regular:
                do {
                    bytes = try FileKind.readRegularFile(target.path)
                } catch {
                    throw unreadable("the body file \(file) cannot be read (\(error))")
                }
            case .missing: throw CassetteError.missingBody(path: path, file: file)
            case .symbolicLink:
                throw unreadable("the body file \(file) is a symbolic link, which a cassette may not use")
            default: throw unreadable("the body file \(file) is not a regular file")
            }
            let actual = SHA256.hexDigest(of: bytes)
            guard actual == expected else {
                throw CassetteError.bodyHashMismatch(path: path, file: file, expected: expected, actual: actual)
            }
            if file.hasSuffix(".png"), let verifyImage {
                do {
                    try verifyImage(bytes)
                } catch {
                    throw unreadable("the body file \(file) is not a sound PNG (\(error))")
                }
            }
            return bytes
        }
    }
}
