import Foundation

/// The distribution of values as bars of equal-width bins, matplotlib's `plt.hist`: how the
/// activations of a layer spread ("Deep Learning from Scratch" figures 6-10 to 6-14).
public struct Histogram: Sendable {
  /// The values counted.
  public var values: [Double]
  /// The number of bins.
  public var bins: Int
  /// The range the bins cover; the values' range when nil. Values outside are not counted.
  public var range: ClosedRange<Double>?
  /// The title above the plot.
  public var title: String?
  /// The x axis's label.
  public var xLabel: String?
  /// The bars' colour.
  public var color: String

  /// A histogram of `values`.
  public init(
    _ values: [Float], bins: Int = 30, range: ClosedRange<Double>? = nil, title: String? = nil,
    xLabel: String? = nil, color: String = "#1f77b4"
  ) {
    self.values = values.map(Double.init)
    self.bins = bins
    self.range = range
    self.title = title
    self.xLabel = xLabel
    self.color = color
  }

  /// The count of each bin, and the range they cover.
  public func counts() -> (counts: [Int], range: ClosedRange<Double>) {
    let finite = values.filter(\.isFinite)
    var covered = range ?? ((finite.min() ?? 0)...(finite.max() ?? 1))
    if covered.upperBound - covered.lowerBound < 1e-12 {
      covered = (covered.lowerBound - 0.5)...(covered.upperBound + 0.5)
    }
    var counts = [Int](repeating: 0, count: Swift.max(bins, 1))
    let width = (covered.upperBound - covered.lowerBound) / Double(counts.count)
    for value in finite where covered.contains(value) {
      counts[Swift.min(counts.count - 1, Int((value - covered.lowerBound) / width))] += 1
    }
    return (counts, covered)
  }

  /// Writes the histogram as an SVG file.
  public func write(to url: URL) throws {
    var figure = Figure(columns: 1)
    figure.add(self)
    try figure.write(to: url)
  }

  func validate() throws {
    guard bins > 0 else {
      throw StrataError(.invalidArgument, "Histogram: `bins` must be positive, received \(bins)")
    }
  }

  func draw(on canvas: inout SVGCanvas, left: Double, top: Double, width: Double, height: Double) {
    let (counts, covered) = self.counts()
    let frame = PlotFrame(
      left: left, top: top, width: width, height: height, xRange: covered,
      yRange: 0...Double(Swift.max(counts.max() ?? 1, 1)) * 1.05)
    frame.drawAxes(on: &canvas, title: title, xLabel: xLabel, yLabel: nil)
    let binWidth = (covered.upperBound - covered.lowerBound) / Double(counts.count)
    for (index, count) in counts.enumerated() where count > 0 {
      let x0 = frame.x(covered.lowerBound + Double(index) * binWidth)
      let x1 = frame.x(covered.lowerBound + Double(index + 1) * binWidth)
      canvas.rectangle(
        x0, frame.y(Double(count)), x1 - x0, frame.bottom - frame.y(Double(count)), fill: color,
        stroke: "white")
    }
  }
}
