/// The package's version, as `zimage --version` and the User-Agent report it.
public enum ZImageVersion {
    /// The semantic version of this release.
    public static let current = "0.1.0"
}
