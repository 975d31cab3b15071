import CZlib
package import Foundation

/// A PNG whose structure was verified chunk by chunk, and what its header says (PNG specification, 3rd edition, §5 and
/// §11.2.1): the 8-byte signature; `IHDR` first, 13 bytes, width and height from 1 to 2³¹−1, a legal colour type and bit
/// depth pair, compression and filter method 0, interlace method 0 or 1; every chunk's length inside the data, its type
/// four ASCII letters, its CRC (zlib's `crc32`) right; at least one `IDAT`; `IEND` last, empty, with nothing after it.
///
/// The pixels are not decoded: a PNG cut short, with a damaged chunk or without its end is refused before it is written
/// or trusted, which is what the downloader, the contract checks and cassette loading need. Written here rather than
/// taken from a library: no PNG reader is among the packages this project can use, and the check is held to PngSuite and
/// fuzzed (FUZZING.md).
package struct PNGImage: Sendable, Hashable {
    /// The eight bytes every PNG starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The largest chunk length and image side the specification allows.
    static let maximum = 0x7FFF_FFFF
    /// The bit depths each colour type allows.
    static let bitDepths: [Int: Set<Int>] = [
        0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16],
    ]

    /// Width in pixels.
    package var width: Int
    /// Height in pixels.
    package var height: Int
    /// Bits per sample or palette index.
    var bitDepth: Int
    /// 0 grey, 2 RGB, 3 palette, 4 grey with alpha, 6 RGB with alpha.
    var colorType: Int
    /// Whether the image is Adam7-interlaced.
    var interlaced: Bool

    /// Why bytes are not a sound PNG: a clause naming what is wrong and where.
    package struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, and where.
        package var description: String
        /// The byte offset of the chunk (or byte) at fault.
        package var offset: Int
    }

    /// Verifies `data` as a PNG.
    ///
    /// - Throws: ``Problem``.
    package init(verifying data: Data) throws(Problem) {
        self = try Self.verifying(data, inPiecesOf: data.count)
    }

    /// Verifies `data` fed to a ``Verifier`` in pieces of `size` bytes (at least one), as a download delivers them: the
    /// whole-data check is one piece, and the tests and the fuzz target compare the verdicts of other sizes with it.
    package static func verifying(_ data: Data, inPiecesOf size: Int) throws(Problem) -> PNGImage {
        var verifier = Verifier()
        var offset = data.startIndex
        while offset < data.endIndex {
            let end = min(offset + max(1, size), data.endIndex)
            let problem: Problem? = data[offset..<end].withUnsafeBytes { bytes in
                do throws(Problem) { try verifier.feed(bytes) } catch { return error }
                return nil
            }
            if let problem { throw problem }
            offset = end
        }
        return try verifier.finish()
    }

    /// The same verification as ``init(verifying:)``, fed the bytes as they arrive (a download streamed to disk): the
    /// signature and `IHDR` are checked from the first 33 bytes, each chunk's CRC when its last byte arrives, and memory
    /// stays a few bytes whatever the size. A problem is thrown as soon as the bytes show it.
    package struct Verifier: Sendable {
        private enum Phase {
            case signature
            case header
            case data(remaining: Int)
            case crc
            case trailing
        }

        private var phase = Phase.signature
        /// Bytes of the signature, a chunk header or a CRC collected so far; `IHDR`'s 13 bytes.
        private var collected: [UInt8] = []
        private var ihdr: [UInt8] = []
        private var offset = 0
        private var chunkStart = 0
        private var chunkLength = 0
        private var chunkType = ""
        private var crc: UInt = 0
        private var header: (width: Int, height: Int, depth: Int, color: Int, interlace: Int)?
        private var sawData = false, lastType = ""

        /// Starts verifying.
        package init() {}

        /// What the header said, once `IHDR` was verified.
        package var size: (width: Int, height: Int)? { header.map { ($0.width, $0.height) } }

        /// Checks the next bytes.
        ///
        /// - Throws: ``Problem`` as soon as the bytes are not a sound PNG.
        package mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(Problem) {
            var index = 0
            while index < bytes.count {
                switch phase {
                case .signature:
                    if collect(bytes, at: &index, upTo: 8) {
                        guard collected == PNGImage.signature else { throw Self.notPNG(collected) }
                        collected = []
                        chunkStart = offset
                        phase = .header
                    }
                case .header:
                    if collect(bytes, at: &index, upTo: 8) { try startChunk() }
                case .data(let remaining):
                    let taken = min(remaining, bytes.count - index)
                    let piece = UnsafeRawBufferPointer(rebasing: bytes[index..<index + taken])
                    crc = crc32(crc, piece.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(taken))
                    if chunkType == "IHDR" { ihdr += piece }
                    index += taken
                    offset += taken
                    phase = remaining == taken ? .crc : .data(remaining: remaining - taken)
                case .crc:
                    if collect(bytes, at: &index, upTo: 4) { try endChunk() }
                case .trailing:
                    // Refused as they arrive: a server that goes on after IEND is stopped at its first extra byte,
                    // not at the response-size cap.
                    throw Problem(description: "bytes follow the IEND chunk", offset: offset)
                }
            }
        }

        /// Moves bytes from `index` into ``collected`` until it holds `count`; whether it does.
        private mutating func collect(_ bytes: UnsafeRawBufferPointer, at index: inout Int, upTo count: Int) -> Bool {
            let taken = min(count - collected.count, bytes.count - index)
            collected += bytes[index..<index + taken]
            index += taken
            offset += taken
            return collected.count == count
        }

        /// Ends the verification: the bytes fed so far must be a whole PNG.
        ///
        /// - Throws: ``Problem`` for a PNG cut short, without `IHDR`, `IDAT` or `IEND`, or with bytes after `IEND`.
        package func finish() throws(Problem) -> PNGImage {
            switch phase {
            case .signature:
                throw Self.notPNG(collected)
            case .header:
                guard collected.isEmpty else {
                    throw Problem(description: "the PNG is cut short inside a chunk header", offset: chunkStart)
                }
                guard let header else { throw Problem(description: "there is no IHDR chunk", offset: 8) }
                _ = header
                throw Problem(description: "the PNG has no IEND chunk: it is cut short", offset: offset)
            case .data, .crc:
                throw Problem(
                    description: "chunk \(chunkType) claims \(chunkLength) bytes, but the PNG is cut short",
                    offset: chunkStart)
            case .trailing:
                break  // feed(_:) refused any byte after IEND
            }
            guard let header else { throw Problem(description: "there is no IHDR chunk", offset: 8) }
            return PNGImage(
                width: header.width, height: header.height, bitDepth: header.depth, colorType: header.color,
                interlaced: header.interlace == 1)
        }

        /// Reads a chunk's length and type from ``collected``.
        private mutating func startChunk() throws(Problem) {
            let length = collected[0..<4].reduce(0) { $0 << 8 | Int($1) }
            let typeBytes = Array(collected[4..<8])
            chunkType = String(decoding: typeBytes, as: UTF8.self)
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw Problem(
                    description:
                        "the chunk type \(typeBytes.map { String($0, radix: 16).leftPadded(2) }.joined()) is not "
                        + "four letters", offset: chunkStart)
            }
            guard length <= PNGImage.maximum else {
                throw Problem(
                    description: "chunk \(chunkType) claims \(length) bytes, but the PNG is cut short",
                    offset: chunkStart)
            }
            chunkLength = length
            crc = typeBytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, 4) }
            collected = []
            phase = length == 0 ? .crc : .data(remaining: length)
        }

        /// Checks a chunk's CRC and what its type means where it stands.
        private mutating func endChunk() throws(Problem) {
            let stored = UInt32(collected.reduce(0) { $0 << 8 | Int($1) })
            let computed = UInt32(crc)
            collected = []
            func problem(_ text: String) -> Problem { Problem(description: text, offset: chunkStart) }
            guard stored == computed else {
                throw problem("chunk \(chunkType) has CRC \(stored.hex), but its bytes give \(computed.hex)")
            }
            switch chunkType {
            case "IHDR":
                guard chunkStart == 8 else { throw problem("a second IHDR chunk") }
                guard chunkLength == 13 else { throw problem("IHDR is \(chunkLength) bytes, not 13") }
                func uint32(_ at: Int) -> Int { ihdr[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
                let read = (uint32(0), uint32(4), Int(ihdr[8]), Int(ihdr[9]), Int(ihdr[12]))
                try PNGImage.check(read, compression: Int(ihdr[10]), filter: Int(ihdr[11]), at: chunkStart)
                header = read
            case _ where header == nil:
                throw problem("the first chunk is \(chunkType), not IHDR")
            case "IDAT":
                guard !sawData || lastType == "IDAT" else { throw problem("IDAT chunks are not consecutive") }
                sawData = true
            case "IEND":
                guard chunkLength == 0 else { throw problem("IEND has \(chunkLength) bytes of data") }
                guard sawData else { throw problem("there is no IDAT chunk before IEND") }
                phase = .trailing
                lastType = chunkType
                return
            default:
                break
            }
            lastType = chunkType
            chunkStart = offset
            phase = .header
        }

        private static func notPNG(_ start: [UInt8]) -> Problem {
            let text = start.prefix(8).map { String($0, radix: 16).leftPadded(2) }.joined(separator: " ")
            return Problem(
                description: "it is not a PNG (it starts with \(text.isEmpty ? "nothing" : text))", offset: 0)
        }
    }

    private init(width: Int, height: Int, bitDepth: Int, colorType: Int, interlaced: Bool) {
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.colorType = colorType
        self.interlaced = interlaced
    }

    private static func check(
        _ header: (width: Int, height: Int, depth: Int, color: Int, interlace: Int), compression: Int,
        filter: Int, at offset: Int
    ) throws(Problem) {
        func problem(_ text: String) -> Problem { Problem(description: "IHDR: \(text)", offset: offset) }
        for (name, value) in [("width", header.width), ("height", header.height)] where !(1...maximum).contains(value) {
            throw problem("\(name) is \(value), not 1 to \(maximum)")
        }
        guard let depths = bitDepths[header.color] else { throw problem("colour type \(header.color) does not exist") }
        guard depths.contains(header.depth) else {
            throw problem(
                "bit depth \(header.depth) is not allowed with colour type \(header.color) (allowed: "
                    + depths.sorted().map(String.init).joined(separator: ", ") + ")")
        }
        guard compression == 0 else { throw problem("compression method \(compression), not 0") }
        guard filter == 0 else { throw problem("filter method \(filter), not 0") }
        guard header.interlace <= 1 else { throw problem("interlace method \(header.interlace), not 0 or 1") }
    }
}

extension UInt32 {
    fileprivate var hex: String { "0x" + String(self, radix: 16).leftPadded(8) }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
