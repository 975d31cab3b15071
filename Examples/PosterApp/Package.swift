// swift-tools-version:6.2
// An app that uses the zimage products as any user would: by path here, by URL in a real project.
import PackageDescription

let package = Package(
    name: "PosterApp",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "zimage", path: "../..")
    ],
    targets: [
        .target(
            name: "PosterApp",
            dependencies: [
                .product(name: "ZImage", package: "zimage"), .product(name: "ZImageCurl", package: "zimage"),
            ]
        ),
        // The library as a server or an app uses it, public API only: `make test` runs it (swift run LibraryTour).
        .executableTarget(
            name: "LibraryTour",
            dependencies: [
                .product(name: "ZImage", package: "zimage"), .product(name: "ZImageCurl", package: "zimage"),
                .product(name: "ZImageCassettes", package: "zimage"),
                .product(name: "ZImageSimulator", package: "zimage"),
            ],
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility"), .enableUpcomingFeature("ExistentialAny")]
        ),
        .testTarget(
            name: "PosterAppTests",
            dependencies: ["PosterApp", .product(name: "ZImageTesting", package: "zimage")],
            resources: [.copy("Cassettes")],
            // As strict as the package itself: `import ZImageTesting` must be enough for everything its API shows.
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility"), .enableUpcomingFeature("ExistentialAny")]
        ),
        // XCTest, with only `import XCTest` and `import ZImageTesting` (and the app).
        .testTarget(
            name: "PosterAppXCTests",
            dependencies: ["PosterApp", .product(name: "ZImageTesting", package: "zimage")],
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
