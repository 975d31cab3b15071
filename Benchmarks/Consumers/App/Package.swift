// swift-tools-version:6.2
// A fixed consumer for `make bench`: an app library that uses the client and the live transport, nothing else. Its
// clean build is what an app pays for zimage; AppWithTests is the same library with a one-test target on ZImageTesting.
import PackageDescription

let package = Package(
    name: "App",
    platforms: [.macOS(.v15)],
    products: [.library(name: "PosterKit", targets: ["PosterKit"])],
    dependencies: [.package(name: "zimage", path: "../../..")],
    targets: [
        .target(
            name: "PosterKit",
            dependencies: [
                .product(name: "ZImage", package: "zimage"), .product(name: "ZImageCurl", package: "zimage"),
            ])
    ],
    swiftLanguageModes: [.v6]
)
