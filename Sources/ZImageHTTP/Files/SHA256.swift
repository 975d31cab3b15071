import CCrypto
package import Foundation

/// SHA-256 (FIPS 180-4), for the hashes of images and cassette bodies, whole or as the bytes arrive: OpenSSL's
/// implementation (libcrypto's SHA256_* functions, see Sources/CCrypto/shim.h), whose assembly hashes a downloading
/// image faster than it arrives. The tests pin it to the standard's test vectors.
package struct SHA256: Sendable {
    /// libcrypto's SHA-256 state: a plain C struct, so this type is a value (a copy hashes on from where the original
    /// was) and no step allocates or can fail (`SHA256_Init`, `_Update` and `_Final` return 1 for any context).
    private var context = SHA256.started()

    /// Starts a digest, to be fed with ``update(_:)`` as the bytes arrive (a download streamed to disk).
    package init() {}

    private static func started() -> SHA256_CTX {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        return context
    }

    /// The digest of `data` as 64 lower-case hex characters.
    package static func hexDigest(of data: Data) -> String {
        var hasher = SHA256()
        data.withUnsafeBytes { hasher.update($0) }
        return hasher.hexDigest()
    }

    /// The 32-byte digest of `data`.
    package static func digest(of data: Data) -> [UInt8] {
        var hasher = SHA256()
        data.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }

    /// Hashes the next bytes.
    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        SHA256_Update(&context, base, bytes.count)
    }

    /// The digest as 64 lower-case hex characters; the hasher starts again afterwards.
    package mutating func hexDigest() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in finalize() {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The 32-byte digest; the hasher starts again afterwards.
    package mutating func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        SHA256_Final(&digest, &context)
        context = Self.started()
        return digest
    }
}
