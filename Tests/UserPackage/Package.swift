// swift-tools-version:6.0
// A user's package depending on Strata, in Swift 6 language mode. `.ci/run` builds it with
// warnings as errors and runs it: `swift run --package-path Tests/UserPackage`.
import Foundation
import PackageDescription

// The Strata checkout this file sits in; a path dependency's identity is its folder's name.
let strata = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
  name: "UserPackage",
  dependencies: [.package(path: strata.path)],
  targets: [
    .executableTarget(
      name: "UserPackage",
      dependencies: [.product(name: "Strata", package: strata.lastPathComponent.lowercased())])
  ],
  swiftLanguageModes: [.v6]
)
