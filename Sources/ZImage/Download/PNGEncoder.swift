import CZlib
package import Foundation

/// Writes real, small PNGs: 8-bit RGB, zlib-compressed, deterministic from a seed.
package enum PNGEncoder {
    /// A `width`×`height` image that fades from one colour to another down its height, both colours drawn from `seed`.
    /// Rows of one colour compress well: a 2048×2048 image is a few tens of kilobytes.
    package static func gradient(width: Int, height: Int, seed: [UInt8]) -> Data {
        let bytes = seed.isEmpty ? [0x40, 0x80, 0xc0, 0xc0, 0x80, 0x40] : seed
        let top = (0..<3).map { Double(bytes[$0 % bytes.count]) }
        let bottom = (3..<6).map { Double(bytes[$0 % bytes.count]) }
        let rowLength = 1 + width * 3
        var raw = [UInt8](repeating: 0, count: rowLength * height)
        raw.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }  // a 0-pixel image: no rows
            for row in 0..<height {
                let mix = height > 1 ? Double(row) / Double(height - 1) : 0
                let pixel = (0..<3).map { UInt8(top[$0] + (bottom[$0] - top[$0]) * mix) }
                let start = row * rowLength  // the filter byte stays 0 (None)
                buffer[start + 1] = pixel[0]
                buffer[start + 2] = pixel[1]
                buffer[start + 3] = pixel[2]
                // Fill the row by doubling what is already there.
                var filled = 3
                while filled < width * 3 {
                    let count = min(filled, width * 3 - filled)
                    let pixels = base + start + 1
                    (pixels + filled).update(from: pixels, count: count)
                    filled += count
                }
            }
        }
        return encode(width: width, height: height, scanlines: raw)
    }

    /// A PNG of 8-bit RGB `scanlines` (each row a filter byte then `width`×3 bytes).
    static func encode(width: Int, height: Int, scanlines: [UInt8]) -> Data {
        var header = [UInt8]()
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png += chunk("IHDR", header)
        png += chunk("IDAT", deflate(scanlines))
        png += chunk("IEND", [])
        return png
    }

    private static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        // compress2 fails only without memory (the destination is sized by compressBound, level 9 is valid); the
        // image is then written uncompressed, still a sound PNG.
        guard compress2(&output, &capacity, bytes, uLong(bytes.count), 9) == Z_OK else { return stored(bytes) }
        return Array(output.prefix(Int(capacity)))
    }

    /// `bytes` as a zlib stream (RFC 1950) of stored deflate blocks (RFC 1951, 3.2.4): uncompressed, and built without
    /// a zlib call that can fail.
    static func stored(_ bytes: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]  // deflate, 32 KiB window; the two bytes are a multiple of 31
        var offset = 0
        repeat {
            let count = min(65_535, bytes.count - offset)
            stream.append(offset + count == bytes.count ? 1 : 0)  // BFINAL on the last block, BTYPE 00 (stored)
            stream += [UInt8(count & 0xff), UInt8(count >> 8), UInt8(~count & 0xff), UInt8(~count >> 8 & 0xff)]
            stream += bytes[offset..<offset + count]
            offset += count
        } while offset < bytes.count
        let checksum = bytes.withUnsafeBufferPointer { UInt32(adler32(1, $0.baseAddress, uInt($0.count))) }
        return stream + bigEndian(checksum)
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> Data {
        let typed = Array(type.utf8) + data
        let checksum = typed.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        return Data(bigEndian(UInt32(data.count)) + typed + bigEndian(checksum))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}
