import Foundation
import Testing

@testable import Strata

/// The `<rect` elements of `svg` after the white background, as (width, fill) pairs in order.
private func pixelRuns(_ svg: String) -> [(width: String, fill: String)] {
  svg.components(separatedBy: "<rect x=").dropFirst().map { element in
    func attribute(_ name: String) -> String {
      element.components(separatedBy: "\(name)=\"")[1].components(separatedBy: "\"")[0]
    }
    return (attribute("width"), attribute("fill"))
  }
}

@Test func imageGridDrawsRunsOfEqualGreyAsOneRectangle() throws {
  // Two 2×3 images; with the range 0…1, 0.5 is grey 128 (0.5 · 255 = 127.5, rounded) and 3
  // is clipped to white.
  let images = Tensor(shape: [2, 2, 3], scalars: [0, 0, 1, 0.5, 0.5, 0.5, 3, 3, 3, 3, 3, 3])
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("grid.svg")
  try plotImages(
    images, columns: 2, to: file, title: "Samples", captions: ["zero", "<one>"],
    scaling: .range(0, 1), pixelSize: 5)
  let svg = try String(contentsOf: file, encoding: .utf8)
  let runs = pixelRuns(svg)
  #expect(runs.map(\.fill) == ["#000000", "#ffffff", "#808080", "#ffffff", "#ffffff"])
  // Each run is its pixels wide, plus 0.02 so that neighbouring rectangles leave no seam.
  #expect(runs.map(\.width) == ["10.02", "5.02", "15.02", "15.02", "15.02"])
  #expect(svg.contains(">Samples</text>") && svg.contains(">zero</text>"))
  #expect(svg.contains(">&lt;one&gt;</text>"))
}

@Test func imageGridScalesEachImageToItsOwnRangeAndDrawsColour() throws {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("filters.svg")
  // A filter from -2 to 2: black, grey, white; per-image scaling ignores the other image.
  try plotImages(Tensor(shape: [2, 1, 3], scalars: [-2, 0, 2, 100, 100, 100]), to: file)
  #expect(
    pixelRuns(try String(contentsOf: file, encoding: .utf8)).map(\.fill) == [
      "#000000", "#808080", "#ffffff", "#000000",
    ])
  // One RGB pixel: red, green and blue each on the range 0…1.
  try plotImages(
    Tensor(shape: [1, 1, 1, 3], scalars: [1, 0, 0.5]), to: file, scaling: .range(0, 1))
  #expect(pixelRuns(try String(contentsOf: file, encoding: .utf8)).map(\.fill) == ["#ff0080"])
}

@Test func imageGridRefusesWhatItCannotDraw() throws {
  let file = FileManager.default.temporaryDirectory.appendingPathComponent("never.svg")
  expectStrataError(.shapeMismatch, containing: "received [4, 4]") {
    try plotImages(Tensor.zeros([4, 4]), to: file)
  }
  expectStrataError(.shapeMismatch, containing: "[n, height, width, 3]; received [1, 2, 2, 2]") {
    try plotImages(Tensor.zeros([1, 2, 2, 2]), to: file)
  }
  expectStrataError(.invalidArgument, containing: "1 captions for 2 images") {
    try plotImages(Tensor.zeros([2, 2, 2]), to: file, captions: ["a"])
  }
  expectStrataError(.invalidArgument, containing: "columns=0") {
    try plotImages(Tensor.zeros([2, 2, 2]), columns: 0, to: file)
  }
  expectStrataError(.invalidArgument, containing: "finite and increasing") {
    try plotImages(Tensor.zeros([2, 2, 2]), to: file, scaling: .range(1, 1))
  }
  #expect(!FileManager.default.fileExists(atPath: file.path))
}
