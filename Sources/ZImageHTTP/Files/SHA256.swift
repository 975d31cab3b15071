import CCrypto
package import Foundation

/// SHA-256 (FIPS 180-4), for the hashes of images and cassette bodies, whole or as the bytes arrive: OpenSSL's
/// implementation (libcrypto's EVP interface), whose assembly hashes a downloading image faster than it arrives. The tests
/// pin it to the standard's test vectors.
package struct SHA256: @unchecked Sendable {
    // @unchecked: the C context is copied before a shared one is changed (copy on write), so each value owns its own,
    // and `update` and `finalize` are mutating: two threads never reach one context without the caller's own lock.
    private final class Context {
        /// SHA-256 as OpenSSL 3 provides it, fetched once: `EVP_sha256()` fetches it again at every digest's start, which
        /// nearly doubles the time of a 200-byte digest (1.2 µs against 0.7). Fetched algorithms are immutable and
        /// reference-counted, safe to share between threads (OpenSSL's crypto(7), "Fetching algorithms").
        nonisolated(unsafe) static let algorithm: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)

        let pointer: OpaquePointer

        init() {
            guard let pointer = EVP_MD_CTX_new(), EVP_DigestInit_ex(pointer, Self.algorithm ?? EVP_sha256(), nil) == 1
            else {
                // Unreachable from input: no byte hashed is involved yet; only an allocation failure (or a libcrypto
                // without SHA-256, which no OpenSSL build is) gets here, and the process could not go on without memory.
                fatalError("libcrypto could not start a SHA-256 digest (out of memory)")
            }
            self.pointer = pointer
        }

        init(copying other: Context) {
            guard let pointer = EVP_MD_CTX_new(), EVP_MD_CTX_copy_ex(pointer, other.pointer) == 1 else {
                // Unreachable from input: copying a started digest fails only when an allocation does.
                fatalError("libcrypto could not copy a SHA-256 digest (out of memory)")
            }
            self.pointer = pointer
        }

        deinit {
            EVP_MD_CTX_free(pointer)
        }
    }

    private var context = Context()

    /// Starts a digest, to be fed with ``update(_:)`` as the bytes arrive (a download streamed to disk).
    package init() {}

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
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
        EVP_DigestUpdate(context.pointer, base, bytes.count)
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
        var length: UInt32 = 0
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
        EVP_DigestFinal_ex(context.pointer, &digest, &length)
        context = Context()
        return digest
    }
}
