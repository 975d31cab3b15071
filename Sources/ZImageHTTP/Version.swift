/// The package's version, as `zimage --version` and the User-Agent report it.
package enum ZImageVersion {
    /// The semantic version of this release.
    package static let current = "0.1.0"
}
