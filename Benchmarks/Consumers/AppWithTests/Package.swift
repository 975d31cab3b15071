// swift-tools-version:6.2
// A fixed consumer for `make bench`: App's library, and one test target on ZImageTesting. Its clean build against App's
// is what the harness costs a user's test suite.
import PackageDescription

let package = Package(
    name: "AppWithTests",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "zimage", path: "../../..")],
    targets: [
        .target(
            name: "PosterKit",
            dependencies: [
                .product(name: "ZImage", package: "zimage"), .product(name: "ZImageCurl", package: "zimage"),
            ]),
        .testTarget(
            name: "PosterKitTests",
            dependencies: ["PosterKit", .product(name: "ZImageTesting", package: "zimage")]),
    ],
    swiftLanguageModes: [.v6]
)
