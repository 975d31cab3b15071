// swift-tools-version:6.2
import PackageDescription

// Every Swift target: Swift 6 mode, plus the upcoming features swift-openapi-runtime builds with. `any` is spelt out,
// members are visible only through modules a file imports itself, and an import is internal unless it says otherwise.
let upcomingFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
let httpTypesFoundation = Target.Dependency.product(name: "HTTPTypesFoundation", package: "swift-http-types")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "zimage",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ZImageHTTP", targets: ["ZImageHTTP"]),
        .library(name: "ZImage", targets: ["ZImage"]),
        .library(name: "ZImageCurl", targets: ["ZImageCurl"]),
        .library(name: "ZImageCassettes", targets: ["ZImageCassettes"]),
        .library(name: "ZImageSimulator", targets: ["ZImageSimulator"]),
        .library(name: "ZImageContract", targets: ["ZImageContract"]),
        .library(name: "ZImageTesting", targets: ["ZImageTesting"]),
        .executable(name: "zimage", targets: ["zimage"]),
        .executable(name: "validate", targets: ["validate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // The rehearsal: the simulator over TLS and HTTP/2 under the real hostnames, with a throwaway certificate authority.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // ZImageTesting's reports reach XCTest as XCTFail (IssueReportingTestSupport), Swift Testing as an Issue.
        .package(url: "https://github.com/pointfreeco/xctest-dynamic-overlay", from: "1.13.1"),
        // `make docs`: the DocC site (swift package generate-documentation). A plugin: nothing of it is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Tests only: child processes (the executables under test, openssl s_server).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
    ],
    targets: [
        // libcurl, found through pkg-config; scripts/bootstrap.sh installs it where it is missing.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Typed, non-variadic wrappers of curl_easy_setopt/curl_easy_getinfo, which Swift cannot call directly.
        .target(name: "CCurlShims", dependencies: ["CCurl"]),
        // zlib: PNG verification (crc32) and the simulator's PNGs (compress2).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // OpenSSL's libcrypto, for SHA-256 at the speed of its assembly (an image is hashed as it downloads). libcurl's
        // OpenSSL build already needs it; swift-crypto would build BoringSSL into every user's package.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // The seam under everything: `Transport`, `TransportError`, JSON, SHA-256, the file writers, untrusted text. Knows
        // HTTP and bytes, nothing of DashScope and nothing of cassettes.
        .target(
            name: "ZImageHTTP", dependencies: ["CCrypto", httpTypes, httpTypesFoundation],
            swiftSettings: upcomingFeatures),
        // The client core: DashScope's contract in code. Network I/O only through `Transport`.
        .target(
            name: "ZImage",
            dependencies: ["ZImageHTTP", "CZlib", httpTypes, httpTypesFoundation, logging],
            swiftSettings: upcomingFeatures
        ),
        // The live transport on libcurl.
        .target(
            name: "ZImageCurl", dependencies: ["ZImageHTTP", "CCurlShims", httpTypes], swiftSettings: upcomingFeatures),
        // Generic record/replay: cassette format, redaction, matching, recording and replaying transports, record modes.
        // Knows HTTP, not DashScope: it depends on the seam alone, and the provider's rules, the contract check, the body
        // check, the version stamp and the re-recording advice are given to it.
        .target(
            name: "ZImageCassettes", dependencies: ["ZImageHTTP", httpTypes, httpTypesFoundation],
            swiftSettings: upcomingFeatures),
        // The simulation without a server: DashScope's look-alike, backends, faults, and an in-process transport that
        // plays them; the harness and the contract suite use it without building NIO.
        .target(
            name: "ZImageSimulation",
            dependencies: ["ZImageHTTP", "ZImage", "ZImageCassettes", httpTypes, httpTypesFoundation],
            swiftSettings: upcomingFeatures),
        // The simulation served over HTTP on loopback (simulate, serve cassettes, inject faults); re-exports it.
        .target(
            name: "ZImageSimulator",
            dependencies: [
                "ZImageSimulation", "ZImage", "ZImageCassettes", httpTypes,
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // The simulator over TLS (HTTP/2 or HTTP/1.1 by ALPN) under DashScope's real hostnames, with a throwaway certificate
        // authority: what `zimage serve --simulate --tls` and `make rehearse` run. Its own target, so that a test suite using
        // ZImageTesting never builds BoringSSL for it.
        .target(
            name: "ZImageRehearsal",
            dependencies: [
                "ZImage", "ZImageSimulator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // DashScope's cassette rules and contract check, and the one place that turns a mode (live, record, replay)
        // into a transport: what the harness needs of the contract, and no more.
        .target(
            name: "ZImageContract",
            dependencies: [
                "ZImageHTTP", "ZImage", "ZImageCassettes", "ZImageSimulation", httpTypes, httpTypesFoundation, logging,
            ],
            swiftSettings: upcomingFeatures
        ),
        // The rest of the contract suite, for the tools (not a product): scenarios, the catalog, the runner, drift, the
        // scenario recorder, the report page and the OpenAPI document.
        .target(
            name: "ZImageContractSuite",
            dependencies: [
                "ZImageHTTP", "ZImage", "ZImageCassettes", "ZImageSimulation", "ZImageContract", httpTypes,
                httpTypesFoundation,
            ],
            swiftSettings: upcomingFeatures
        ),
        // What a user's own test suite imports: a Swift Testing trait and a closure API that give a test a ZImageClient on
        // its cassette (or recording it), and a scoped simulator.
        .target(
            name: "ZImageTesting",
            dependencies: [
                "ZImageHTTP", "ZImage", "ZImageCassettes", "ZImageSimulation", "ZImageContract", "ZImageCurl",
                httpTypes,
                // The bridge to XCTFail, so that the harness fails XCTest tests without linking XCTest itself.
                .product(name: "IssueReportingTestSupport", package: "xctest-dynamic-overlay"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // The validation run as a library: checks with typed results, evidence, JUnit, annotations, the report page.
        .target(
            name: "ZImageValidation",
            dependencies: [
                "ZImage", "ZImageCurl", "ZImageCassettes", "ZImageContract", "ZImageContractSuite", httpTypes,
            ],
            swiftSettings: upcomingFeatures
        ),
        // What the two executables share: argument types and transport options. Not a product.
        .target(
            name: "ZImageCommandSupport",
            dependencies: ["ZImage", "ZImageCurl", "ZImageCassettes", argumentParser],
            swiftSettings: upcomingFeatures
        ),
        .executableTarget(
            name: "zimage",
            dependencies: [
                "ZImage", "ZImageCurl", "ZImageCassettes", "ZImageSimulator", "ZImageRehearsal", "ZImageContract",
                "ZImageContractSuite",
                "ZImageCommandSupport", argumentParser, logging,
            ],
            swiftSettings: upcomingFeatures
        ),
        .executableTarget(
            name: "validate",
            dependencies: [
                "ZImage", "ZImageCurl", "ZImageValidation", "ZImageCommandSupport", argumentParser,
            ],
            path: "Validation",
            swiftSettings: upcomingFeatures
        ),

        // The fuzz targets (FUZZING.md): `make fuzz` builds them with libFuzzer; a plain build replays files through them.
        .executableTarget(
            name: "zimage-fuzz",
            dependencies: [
                "ZImage", "ZImageCassettes", "ZImageContract", "ZImageContractSuite", "ZImageCurl", httpTypes,
            ],
            path: "Fuzz",
            swiftSettings: upcomingFeatures
        ),
        // Tests. A test-only executable (never shipped) and the support every suite shares.
        .executableTarget(
            name: "cassette-stress-writer",
            dependencies: ["ZImage", "ZImageCassettes"],
            path: "Tests/Tools/cassette-stress-writer",
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "ZImageTestSupport",
            dependencies: [
                "BasicTestSupport", "ZImage", "ZImageHTTP", "ZImageCurl", "ZImageSimulator", "ZImageRehearsal",
                httpTypes,
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/ZImageTestSupport",
            swiftSettings: upcomingFeatures
        ),
        // Temporary folders and the shared corpora, on Foundation alone: what the seam's tests may use.
        .target(name: "BasicTestSupport", path: "Tests/BasicTestSupport", swiftSettings: upcomingFeatures),
        // The seam on its own: nothing of the client, DashScope, curl or the simulator.
        .testTarget(
            name: "ZImageHTTPTests", dependencies: ["ZImageHTTP", "BasicTestSupport"], swiftSettings: upcomingFeatures),
        .testTarget(
            name: "ZImageTests",
            dependencies: [
                "ZImage", "ZImageHTTP", "ZImageTestSupport", httpTypes, logging,
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "ZImageCurlTests",
            dependencies: [
                "ZImage", "ZImageHTTP", "ZImageCurl", "ZImageSimulator", "ZImageRehearsal", "ZImageTestSupport",
                httpTypes,
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "ZImageCassettesTests",
            dependencies: [
                "ZImage", "ZImageHTTP", "ZImageCassettes", "ZImageCurl", "ZImageSimulator", "ZImageContract",
                "ZImageContractSuite",
                "ZImageTestSupport",
                "cassette-stress-writer", httpTypes, httpTypesFoundation,
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "ZImageSimulatorTests",
            dependencies: [
                "ZImage", "ZImageHTTP", "ZImageCurl", "ZImageSimulation", "ZImageSimulator", "ZImageTestSupport",
                "CZlib",
                httpTypes,
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "ZImageContractTests",
            dependencies: [
                "ZImage", "ZImageHTTP", "ZImageCassettes", "ZImageCurl", "ZImageSimulator", "ZImageContract",
                "ZImageContractSuite",
                "ZImageRehearsal", "ZImageTestSupport",
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "ZImageTestingTests",
            dependencies: [
                "ZImage", "ZImageHTTP", "ZImageCassettes", "ZImageCurl", "ZImageSimulator", "ZImageTesting",
                "ZImageTestSupport", httpTypes,
            ],
            resources: [.copy("Cassettes")],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "ZImageValidationTests",
            dependencies: [
                "ZImage", "ZImageHTTP", "ZImageCassettes", "ZImageContract", "ZImageContractSuite", "ZImageCurl",
                "ZImageValidation",
                "ZImageTestSupport",
            ],
            swiftSettings: upcomingFeatures
        ),
        // Runs the built executables as a user would, against the in-process simulator.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ZImage", "ZImageHTTP", "ZImageCassettes", "ZImageSimulator", "ZImageRehearsal", "ZImageContract",
                "ZImageContractSuite",
                "ZImageTestSupport",
                "zimage", "validate",
            ],
            swiftSettings: upcomingFeatures
        ),
    ],
    swiftLanguageModes: [.v6]
)
