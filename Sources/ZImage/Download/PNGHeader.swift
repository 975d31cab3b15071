package import Foundation

/// The start of a PNG file: its 8-byte signature and the width and height of its IHDR chunk.
package struct PNGHeader: Sendable, Hashable {
    /// The eight bytes every PNG starts with.
    package static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Width in pixels.
    package var width: Int
    /// Height in pixels.
    package var height: Int

    /// Reads the header.
    ///
    /// - Throws: ``Problem`` saying why the bytes are not a readable PNG.
    package init(_ data: Data) throws {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.signature else {
            let start = bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw Problem("it is not a PNG (it starts with \(start.isEmpty ? "nothing" : start))")
        }
        guard bytes.count >= 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
            throw Problem("the PNG is cut short before its IHDR header")
        }
        func uint32(at offset: Int) -> Int {
            bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        width = uint32(at: 16)
        height = uint32(at: 20)
    }

    /// Why bytes are not a readable PNG.
    package struct Problem: Error, Sendable, CustomStringConvertible {
        /// The reason, as a clause.
        package var description: String

        init(_ description: String) {
            self.description = description
        }
    }
}
