import Foundation
import Testing

@testable import Strata

@Test func historyPlotHasAPanelPerMetricWithBothCurves() throws {
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: .sgd(learningRate: 0.5), loss: .binaryCrossentropy, metrics: [.accuracy])
  let history = try model.fit(x, y, epochs: 5, validationData: (x, y), verbose: 0)
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("history.svg")
  try history.plot(to: file, title: "Reference")
  let svg = try String(contentsOf: file, encoding: .utf8)
  #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
  #expect(svg.contains(">accuracy</text>") && svg.contains(">loss</text>"))
  #expect(svg.components(separatedBy: "<polyline").count - 1 == 4)  // 2 panels × (train, val)
  #expect(svg.contains(">validation</text>") && svg.contains(">epoch</text>"))
  expectStrataError(.invalidState, containing: "nothing to plot") { try History().plot(to: file) }
}

@Test func decisionRegionsCoverTheGrid() throws {
  let (x, y) = Datasets.xor()
  let model = Sequential {
    Dense(units: 4, inputShape: [2], activation: .tanh)
    Dense(units: 1, activation: .sigmoid)
  }
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("regions.svg")
  try model.plotDecisionRegions(x: x, y: y, to: file, resolution: 10)
  let svg = try String(contentsOf: file, encoding: .utf8)
  // The background, one rectangle per run of a class in each of the 10 rows, the frame.
  let rectangles = svg.components(separatedBy: "<rect").count - 1
  #expect(rectangles >= 1 + 10 + 1 && rectangles <= 1 + 100 + 1)
  #expect(svg.components(separatedBy: "<circle").count - 1 == 4)
  expectStrataError(.shapeMismatch, containing: "expects inputs of shape [n, 2]") {
    try model.plotDecisionRegions(x: Tensor.ones([3, 3]), y: Tensor.ones([3]), to: file)
  }
}
