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

@Test func decisionRegionsAreOpaqueTintsWithAxes() throws {
  let (x, y) = Datasets.xor()
  let model = Sequential { Dense(units: 1, inputShape: [2], activation: .sigmoid) }
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("regions.svg")
  try model.plotDecisionRegions(x: x, y: y, to: file, resolution: 10)
  let svg = try String(contentsOf: file, encoding: .utf8)
  // No translucent cells (their overlaps drew the faint stripes), and labelled axes.
  #expect(!svg.contains("fill-opacity"))
  #expect(svg.contains(">x₁</text>") && svg.contains(">x₂</text>"))
}

@Test func linePlotsDrawEverySeriesWithALegendBesideThem() throws {
  var plot = LinePlot(title: "Losses", xLabel: "iteration", yLabel: "loss", logarithmicY: true)
  plot.add("SGD", y: [2, 1, 0.5, 0.3] as [Double])
  plot.add("Adam", y: [2, 0.5, 0.2, Double.nan, 0.1] as [Double], dashed: true)
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("lines.svg")
  try plot.write(to: file)
  let svg = try String(contentsOf: file, encoding: .utf8)
  // SGD is one line; Adam's NaN splits it into a line and a lone point.
  #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
  #expect(svg.components(separatedBy: "<circle").count - 1 == 1)
  #expect(svg.contains(">SGD</text>") && svg.contains(">Adam</text>"))
  // Logarithmic ticks at 1, 2 and 5 times powers of ten.
  #expect(svg.contains(">0.2</text>") && svg.contains(">0.5</text>") && svg.contains(">1</text>"))
  var bad = LinePlot(logarithmicY: true)
  bad.add("negative", y: [1, -1] as [Double])
  expectStrataError(.invalidArgument, containing: "cannot show -1") { try bad.write(to: file) }
  expectStrataError(.invalidArgument, containing: "nothing to plot") {
    try LinePlot().write(to: file)
  }
}

@Test func histogramsCountValuesIntoEqualBins() throws {
  let histogram = Histogram([0, 0.1, 0.2, 0.55, 0.9, 1, 2], bins: 4, range: 0...1)
  let (counts, range) = histogram.counts()
  // [0, 0.25): 3; [0.25, 0.5): 0; [0.5, 0.75): 1; [0.75, 1]: 2; 2 is outside the range.
  #expect(counts == [3, 0, 1, 2] && range == 0...1)
  var figure = Figure(columns: 2, title: "Two panels")
  figure.add(histogram)
  figure.add(Histogram([1, 1, 1], bins: 3))
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("histograms.svg")
  try figure.write(to: file)
  let svg = try String(contentsOf: file, encoding: .utf8)
  #expect(svg.contains(">Two panels</text>"))
  expectStrataError(.invalidArgument, containing: "`bins` must be positive") {
    try Histogram([1], bins: 0).write(to: file)
  }
}

@Test func contourPlotsTraceLevelsAndPaths() throws {
  var plot = ContourPlot(x: -2...2, y: -2...2, levels: [1]) { x, y in x * x + y * y }
  plot.resolution = 40
  plot.addPath("descent", points: [(1.5, 1.5), (0.5, 0.5), (0, 0)])
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("contour.svg")
  try plot.write(to: file)
  let svg = try String(contentsOf: file, encoding: .utf8)
  // The unit circle crosses about 2π / (4 / 40) ≈ 63 cells, one segment each.
  let segments = svg.components(separatedBy: "<line").count - 1
  #expect(segments > 60)
  #expect(svg.components(separatedBy: "<circle").count - 1 == 3)
  #expect(svg.contains(">descent</text>"))
}

@Test func confusionMatricesDrawAsHeatMaps() throws {
  let matrix = try confusionMatrix(
    labels: Tensor([0, 1, 1, 2]), predictions: Tensor([0, 1, 2, 2]))
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("confusion.svg")
  try plotConfusionMatrix(matrix, classNames: ["a", "b", "c"], to: file, title: "Confusion")
  let svg = try String(contentsOf: file, encoding: .utf8)
  #expect(svg.contains(">predicted class</text>") && svg.contains(">true class</text>"))
  // Nine cells, each labelled with its count.
  #expect(svg.components(separatedBy: "stroke=\"#ddd\"").count - 1 == 9)
  expectStrataError(.invalidArgument, containing: "2 class names for 3 classes") {
    try plotConfusionMatrix(matrix, classNames: ["a", "b"], to: file)
  }
}
