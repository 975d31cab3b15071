package import ZImage

/// Keys no real account has (they start `sk-test-`); suites search output and files for them to prove none leaked.
package enum TestKeys {
    /// The core suites' key.
    package static let core = APIKey("sk-test-4f1c2a9e7b3d5f60")
    /// The key the live-transport suites' simulator accepts.
    package static let curl = APIKey("sk-test-curl-7d2e41b9c0")
    /// A sentinel: no byte of any cassette may contain it.
    package static let sentinel = APIKey("sk-test-sentinel-9d8c7b6a5f")
    /// The key the end-to-end suites' simulator accepts.
    package static let endToEnd = APIKey("sk-test-e2e-3c9f0a6d2b")
}
