// swift-tools-version:6.0
// Fuzz targets for Strata's readers of untrusted bytes (see README.md here). Not part of the
// Strata package, so `swift build` there never builds them; `.ci/run` builds this one with
// libFuzzer and AddressSanitizer:
//   Fuzz/fuzz.sh SECONDS   (see README.md here for the flags it builds with)
import Foundation
import PackageDescription

// The Strata checkout this file sits in; a path dependency's identity is its folder's name.
let strata = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent()

let package = Package(
  name: "StrataFuzz",
  dependencies: [.package(path: strata.path)],
  targets: [
    // libFuzzer's entry points; libFuzzer supplies `main`.
    .executableTarget(
      name: "strata-fuzz",
      dependencies: [.product(name: "Strata", package: strata.lastPathComponent.lowercased())]),
    // Writes the seed corpus: valid files, each written by Strata itself.
    .executableTarget(
      name: "strata-fuzz-seeds",
      dependencies: [.product(name: "Strata", package: strata.lastPathComponent.lowercased())]),
  ],
  swiftLanguageModes: [.v6]
)
