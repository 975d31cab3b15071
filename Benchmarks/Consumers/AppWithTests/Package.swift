// swift-tools-version:6.2
// A fixed consumer for `make bench`: App's library (by path, so the two build the same code), and one test target on
// ZImageTesting. Its clean build against App's is what the harness costs a user's test suite.
import PackageDescription

let package = Package(
    name: "AppWithTests",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "zimage", path: "../../.."),
        .package(name: "App", path: "../App"),
    ],
    targets: [
        .testTarget(
            name: "PosterKitTests",
            dependencies: [
                .product(name: "PosterKit", package: "App"), .product(name: "ZImageTesting", package: "zimage"),
            ])
    ],
    swiftLanguageModes: [.v6]
)
