import Foundation

/// An image size in pixels, written `W*H` on the wire: the total W·H from 512·512 to 2048·2048 pixels, as the API
/// reference says ("总像素在[512*512, 2048*2048]之间"); no rule for one side alone, so `600*500` and `4096*1024` are allowed.
///
/// Parsing accepts `W*H` and `WxH` and always produces the wire form `W*H`.
public struct ImageSize: Sendable, Hashable, CustomStringConvertible {
    /// The total pixels a size may have: 512·512 = 262,144 to 2048·2048 = 4,194,304.
    public static let pixelRange = 262_144...4_194_304
    /// The size the client sends when none is given (the skill's; the API's own default is 1024*1536).
    public static let `default` = ImageSize(checkedWidth: 1024, height: 1024)
    /// What the size field accepts, for error messages and help.
    static let allowedDescription =
        "\"W*H\" (or WxH) with W·H from 262,144 (512*512) to 4,194,304 (2048*2048) "
        + "pixels, e.g. 1024*1024, 1024*1536 or 600*500"

    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int

    /// Creates a size, refusing a side below 1 or a total outside ``pixelRange``.
    public init(width: Int, height: Int) throws {
        for (name, value) in [("width", width), ("height", height)] where value < 1 {
            throw Self.invalid("has \(name) \(value) (\(width)*\(height))")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, Self.pixelRange.contains(pixels) else {
            throw Self.invalid("is \(width)*\(height), \(overflow ? "far too many" : String(pixels)) pixels")
        }
        self.width = width
        self.height = height
    }

    /// Parses `W*H` or `WxH` (surrounding spaces allowed), refusing anything else with an error naming the `size` field.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(omittingEmptySubsequences: false, whereSeparator: { "*xX×".contains($0) })
        guard parts.count == 2,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
            let width = Int(parts[0]), let height = Int(parts[1])
        else {
            throw Self.invalid("is \"\(text)\", not two whole numbers written W*H")
        }
        try self.init(width: width, height: height)
    }

    private init(checkedWidth: Int, height: Int) {
        self.width = checkedWidth
        self.height = height
    }

    /// The wire form, `W*H`.
    public var description: String { "\(width)*\(height)" }

    /// The sizes docs/CONTRACT.md recommends.
    public static let recommended: [ImageSize] = [
        (1024, 1024), (832, 1248), (1248, 832), (864, 1152), (1152, 864), (896, 1152), (1152, 896), (720, 1280),
        (1280, 720), (576, 1344), (1344, 576), (1280, 1280), (1024, 1536), (1536, 1024), (1104, 1472), (1472, 1104),
        (1120, 1440), (1440, 1120), (864, 1536), (1536, 864), (720, 1680), (1680, 720), (1536, 1536), (1248, 1872),
        (1872, 1248), (1296, 1728), (1728, 1296), (1344, 1728), (1728, 1344), (1152, 2048), (2048, 1152), (864, 2016),
        (2016, 864),
    ].map { ImageSize(checkedWidth: $0.0, height: $0.1) }

    // MARK: - Named sizes, from the recommended ones (about one megapixel, but for the large square)

    /// 1024*1024, the client's default.
    public static let square = ImageSize.default
    /// 1536*1536.
    public static let squareLarge = ImageSize(checkedWidth: 1536, height: 1536)
    /// 1280*720 (16:9).
    public static let landscape16x9 = ImageSize(checkedWidth: 1280, height: 720)
    /// 720*1280 (9:16).
    public static let portrait9x16 = ImageSize(checkedWidth: 720, height: 1280)
    /// 1152*864 (4:3).
    public static let landscape4x3 = ImageSize(checkedWidth: 1152, height: 864)
    /// 864*1152 (3:4).
    public static let portrait3x4 = ImageSize(checkedWidth: 864, height: 1152)
    /// 1248*832 (3:2).
    public static let landscape3x2 = ImageSize(checkedWidth: 1248, height: 832)
    /// 832*1248 (2:3).
    public static let portrait2x3 = ImageSize(checkedWidth: 832, height: 1248)

    private static func invalid(_ problem: String) -> ZImageError {
        .invalidRequest(.init(field: "size", problem: problem, allowed: allowedDescription))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
