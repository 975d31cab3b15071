import CZlib
public import Foundation

/// A PNG whose structure was verified chunk by chunk, and what its header says (PNG specification, 3rd edition, §5 and
/// §11.2.1): the 8-byte signature; `IHDR` first, 13 bytes, width and height from 1 to 2³¹−1, a legal colour type and bit
/// depth pair, compression and filter method 0, interlace method 0 or 1; every chunk's length inside the data, its type
/// four ASCII letters, its CRC (zlib's `crc32`) right; at least one `IDAT`; `IEND` last, empty, with nothing after it.
///
/// The pixels are not decoded: a PNG cut short, with a damaged chunk or without its end is refused before it is written
/// or trusted, which is what the downloader, the contract checks and cassette loading need. Written here rather than
/// taken from a library: no PNG reader is among the packages this project can use, and the check is held to PngSuite and
/// fuzzed (FUZZING.md).
public struct PNGImage: Sendable, Hashable {
    /// The eight bytes every PNG starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The largest chunk length and image side the specification allows.
    static let maximum = 0x7FFF_FFFF
    /// The bit depths each colour type allows.
    static let bitDepths: [Int: Set<Int>] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]

    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Bits per sample or palette index.
    var bitDepth: Int
    /// 0 grey, 2 RGB, 3 palette, 4 grey with alpha, 6 RGB with alpha.
    var colorType: Int
    /// Whether the image is Adam7-interlaced.
    var interlaced: Bool

    /// Why bytes are not a sound PNG: a clause naming what is wrong and where.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, and where.
        public var description: String
        /// The byte offset of the chunk (or byte) at fault.
        public var offset: Int
    }

    /// Verifies `data` as a PNG.
    ///
    /// - Throws: ``Problem``.
    public init(verifying data: Data) throws(Problem) {
        let bytes = [UInt8](data)
        func problem(_ text: String, at offset: Int) -> Problem { Problem(description: text, offset: offset) }
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.signature else {
            let start = bytes.prefix(8).map { String($0, radix: 16).leftPadded(2) }.joined(separator: " ")
            throw problem("it is not a PNG (it starts with \(start.isEmpty ? "nothing" : start))", at: 0)
        }
        func uint32(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }

        var offset = 8
        var header: (width: Int, height: Int, depth: Int, color: Int, interlace: Int)?
        var sawData = false, ended = false, lastType = ""
        while offset < bytes.count {
            guard !ended else { throw problem("\(bytes.count - offset) bytes follow the IEND chunk", at: offset) }
            guard offset + 8 <= bytes.count else { throw problem("the PNG is cut short inside a chunk header", at: offset) }
            let length = uint32(offset)
            let typeBytes = Array(bytes[offset + 4..<offset + 8])
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw problem("the chunk type \(typeBytes.map { String($0, radix: 16).leftPadded(2) }.joined()) is not four letters",
                              at: offset)
            }
            guard length <= Self.maximum, offset + 12 + length <= bytes.count else {
                throw problem("chunk \(type) claims \(length) bytes, but the PNG is cut short", at: offset)
            }
            let stored = UInt32(uint32(offset + 8 + length))
            let computed = bytes.withUnsafeBufferPointer { buffer in
                UInt32(crc32(0, buffer.baseAddress.map { $0 + offset + 4 }, uInt(length + 4)))
            }
            guard stored == computed else {
                throw problem("chunk \(type) has CRC \(stored.hex), but its bytes give \(computed.hex)", at: offset)
            }
            switch type {
            case "IHDR":
                guard offset == 8 else { throw problem("a second IHDR chunk", at: offset) }
                guard length == 13 else { throw problem("IHDR is \(length) bytes, not 13", at: offset) }
                let read = (uint32(offset + 8), uint32(offset + 12), Int(bytes[offset + 16]), Int(bytes[offset + 17]),
                            Int(bytes[offset + 20]))
                header = read
                try Self.check(read, compression: Int(bytes[offset + 18]), filter: Int(bytes[offset + 19]), at: offset)
            case _ where header == nil:
                throw problem("the first chunk is \(type), not IHDR", at: offset)
            case "IDAT":
                guard !sawData || lastType == "IDAT" else { throw problem("IDAT chunks are not consecutive", at: offset) }
                sawData = true
            case "IEND":
                guard length == 0 else { throw problem("IEND has \(length) bytes of data", at: offset) }
                guard sawData else { throw problem("there is no IDAT chunk before IEND", at: offset) }
                ended = true
            default:
                break
            }
            lastType = type
            offset += 12 + length
        }
        guard let header else { throw problem("there is no IHDR chunk", at: 8) }
        guard ended else { throw problem("the PNG has no IEND chunk: it is cut short", at: bytes.count) }
        (width, height, bitDepth, colorType, interlaced) = (header.width, header.height, header.depth, header.color, header.interlace == 1)
    }

    private static func check(_ header: (width: Int, height: Int, depth: Int, color: Int, interlace: Int), compression: Int,
                              filter: Int, at offset: Int) throws(Problem) {
        func problem(_ text: String) -> Problem { Problem(description: "IHDR: \(text)", offset: offset) }
        for (name, value) in [("width", header.width), ("height", header.height)] where !(1...maximum).contains(value) {
            throw problem("\(name) is \(value), not 1 to \(maximum)")
        }
        guard let depths = bitDepths[header.color] else { throw problem("colour type \(header.color) does not exist") }
        guard depths.contains(header.depth) else {
            throw problem("bit depth \(header.depth) is not allowed with colour type \(header.color) (allowed: "
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
