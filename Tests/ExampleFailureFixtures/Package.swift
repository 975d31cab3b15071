// swift-tools-version:6.2
// Tests that MUST fail, kept out of the example so that `swift test` in Examples/PosterApp is green as a user runs it:
// `make example` builds this package and scripts/example-fixtures.sh checks that each test fails with the harness's
// report at its line. They replay the example's cassettes, through ZImageTesting as any user's tests would.
import PackageDescription

let package = Package(
    name: "ExampleFailureFixtures",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "zimage", path: "../..")
    ],
    targets: [
        .testTarget(
            name: "FailureFixtures",
            dependencies: [.product(name: "ZImageTesting", package: "zimage")]
        )
    ],
    swiftLanguageModes: [.v6]
)
