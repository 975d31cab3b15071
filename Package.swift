// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "zimage",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ZImage", targets: ["ZImage"]),
        .executable(name: "zimage", targets: ["zimage"]),
        .executable(name: "validate", targets: ["validate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        .target(name: "ZImageCurl", dependencies: ["ZImage", "CCurlShims"]),
        .executableTarget(
            name: "zimage",
            dependencies: [
                "ZImage",
                "ZImageCurl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "validate",
            dependencies: [
                "ZImage",
                "ZImageCurl",
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
        .testTarget(name: "ZImageCurlTests", dependencies: ["ZImageCurl"]),
    ],
    swiftLanguageModes: [.v6]
)
