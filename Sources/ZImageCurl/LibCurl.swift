import CCurlShims
import ZImageHTTP

/// The process-wide facts of libcurl: one-time global initialisation, its version, and the User-Agent the live transport
/// sends.
@usableFromInline package enum LibCurl {
    /// Runs `curl_global_init` exactly once per process (Swift initialises a static `let` once, thread-safely); every
    /// libcurl user reads this before its first handle. `false` when libcurl could not initialise.
    static let isInitialized: Bool = zimage_curl_global_init_default() == CURLE_OK

    /// The version of the libcurl the process runs with, such as `7.88.1`.
    package static var version: String {
        guard let info = zimage_curl_version_info(), let version = info.pointee.version else { return "unknown" }
        return String(cString: version)
    }

    /// The TLS library libcurl was built with, such as `OpenSSL/3.0.17`.
    package static var sslVersion: String {
        guard let info = zimage_curl_version_info(), let ssl = info.pointee.ssl_version else { return "none" }
        return String(cString: ssl)
    }

    /// `zimage/<version> libcurl/<version>`.
    @usableFromInline package static var userAgent: String {
        "zimage/\(ZImageVersion.current) libcurl/\(version)"
    }
}
