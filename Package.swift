// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "zimage",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ZImage", targets: ["ZImage"]),
        .library(name: "ZImageCurl", targets: ["ZImageCurl"]),
        .library(name: "ZImageSimulator", targets: ["ZImageSimulator"]),
        .library(name: "ZImageCassettes", targets: ["ZImageCassettes"]),
        .executable(name: "zimage", targets: ["zimage"]),
        .executable(name: "validate", targets: ["validate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
    ],
    targets: [
        // libcurl, found through pkg-config; scripts/bootstrap.sh installs it where it is missing.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Typed, non-variadic wrappers of curl_easy_setopt/curl_easy_getinfo, which Swift cannot call directly.
        .target(name: "CCurlShims", dependencies: ["CCurl"]),
        // The client core: validation, wire format, retries, errors, download. Network I/O only through `Transport`.
        .target(
            name: "ZImage",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HTTPTypesFoundation", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The live transport on libcurl.
        .target(
            name: "ZImageCurl",
            dependencies: ["ZImage", "CCurlShims", .product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        // Cassettes: format, redaction, matching, recording and replaying transports, contract checks.
        .target(
            name: "ZImageCassettes",
            dependencies: ["ZImage", .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "HTTPTypesFoundation", package: "swift-http-types")]
        ),
        // zlib, for the simulator's PNGs (compress2, crc32).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // A DashScope look-alike HTTP server on loopback: simulate, replay, inject faults.
        .target(
            name: "ZImageSimulator",
            dependencies: [
                "ZImage",
                "ZImageCassettes",
                "CZlib",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "zimage",
            dependencies: [
                "ZImage",
                "ZImageCurl",
                "ZImageSimulator",
                "ZImageCassettes",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "validate",
            dependencies: [
                "ZImage",
                "ZImageCurl",
                "ZImageCassettes",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HTTPTypesFoundation", package: "swift-http-types"),
            ],
            path: "Validation"
        ),
        .testTarget(
            name: "ZImageTests",
            dependencies: [
                "ZImage",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ZImageCurlTests",
            dependencies: [
                "ZImage",
                "ZImageCurl",
                "ZImageSimulator",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "ZImageCassettesTests",
            dependencies: [
                "ZImage", "ZImageCassettes", "ZImageCurl", "ZImageSimulator", "zimage",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HTTPTypesFoundation", package: "swift-http-types"),
            ]
        ),
        // Runs the built executables as a user would, against the in-process simulator.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["ZImage", "ZImageSimulator", "zimage", "validate"]
        ),
        .testTarget(
            name: "ZImageSimulatorTests",
            dependencies: ["ZImage", "ZImageSimulator", .product(name: "HTTPTypes", package: "swift-http-types")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
