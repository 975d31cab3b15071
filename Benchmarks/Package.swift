// swift-tools-version:6.0
import Foundation
import PackageDescription

// The benchmarks are a package of their own, so AsyncHTTPClient (a peer measured here) never slows the main build.
// The main package is a path dependency; its identity is the name of the folder it is cloned into.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "zimage-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "zimage-bench",
            dependencies: [
                .product(name: "ZImage", package: root),
                .product(name: "ZImageCurl", package: root),
                .product(name: "ZImageCassettes", package: root),
                .product(name: "ZImageSimulator", package: root),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
