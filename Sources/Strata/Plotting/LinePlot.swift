import Foundation

/// A line chart of named series with a legend beside the plot area (so it never covers the
/// data), matplotlib's `plt.plot(x, y, label=…)`; written as a standalone SVG, or as one
/// panel of a ``Figure``.
///
/// ```swift
/// var plot = LinePlot(title: "Training loss", xLabel: "iteration", yLabel: "loss")
/// plot.add("SGD", y: sgdLosses)
/// plot.add("Adam", y: adamLosses)
/// try plot.write(to: URL(fileURLWithPath: "optimizers.svg"))
/// ```
public struct LinePlot: Sendable {
  /// One named line.
  public struct Series: Sendable {
    /// The legend's label.
    public var name: String
    /// The x values.
    public var x: [Double]
    /// The y values; non-finite ones leave a gap.
    public var y: [Double]
    /// Whether the line is dashed (a validation curve beside its training curve).
    public var dashed: Bool
    /// The colour (`#rrggbb`); the palette's next one when nil.
    public var color: String?
  }

  /// The title above the plot.
  public var title: String?
  /// The x axis's label.
  public var xLabel: String?
  /// The y axis's label.
  public var yLabel: String?
  /// Whether the y axis is logarithmic (every value must then be positive).
  public var logarithmicY: Bool
  /// The y range shown; fitted to the data when nil.
  public var yRange: ClosedRange<Double>?
  /// The lines, in legend order.
  public private(set) var series: [Series] = []

  /// An empty plot.
  public init(
    title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
    logarithmicY: Bool = false, yRange: ClosedRange<Double>? = nil
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.logarithmicY = logarithmicY
    self.yRange = yRange
  }

  /// Adds a line; `x` defaults to 0, 1, 2, ….
  public mutating func add(
    _ name: String, x: [Double]? = nil, y: [Double], dashed: Bool = false, color: String? = nil
  ) {
    series.append(
      Series(
        name: name, x: x ?? y.indices.map(Double.init), y: y, dashed: dashed, color: color))
  }

  /// Adds a line of `Float` values.
  public mutating func add(
    _ name: String, x: [Double]? = nil, y: [Float], dashed: Bool = false, color: String? = nil
  ) {
    add(name, x: x, y: y.map(Double.init), dashed: dashed, color: color)
  }

  /// Writes the plot as an SVG file.
  public func write(to url: URL) throws {
    var figure = Figure(columns: 1)
    figure.add(self)
    try figure.write(to: url)
  }

  /// The width the legend takes beside the plot area.
  var legendWidth: Double {
    series.isEmpty ? 0 : 28 + 6.5 * Double(series.map(\.name.count).max() ?? 0)
  }

  func validate() throws {
    guard !series.isEmpty else {
      throw StrataError(.invalidArgument, "LinePlot: there is nothing to plot (no series added)")
    }
    for line in series where line.x.count != line.y.count {
      throw StrataError(
        .invalidArgument,
        "LinePlot: series '\(line.name)' has \(line.x.count) x values and \(line.y.count) y values")
    }
    if logarithmicY, let bad = series.flatMap(\.y).first(where: { $0.isFinite && $0 <= 0 }) {
      throw StrataError(
        .invalidArgument, "LinePlot: a logarithmic y axis cannot show \(bad) (values must be > 0)")
    }
  }

  func draw(on canvas: inout SVGCanvas, left: Double, top: Double, width: Double, height: Double) {
    let plotWidth = width - legendWidth
    let xs = series.flatMap(\.x)
    let ys = series.flatMap(\.y)
    var range = yRange ?? paddedRange(ys)
    if logarithmicY && yRange == nil {
      let finite = ys.filter { $0.isFinite && $0 > 0 }
      range = (finite.min() ?? 1) / 1.2...(finite.max() ?? 10) * 1.2
    }
    let frame = PlotFrame(
      left: left, top: top, width: plotWidth, height: height,
      xRange: paddedRange(xs, margin: 0), yRange: range, logY: logarithmicY)
    frame.drawAxes(on: &canvas, title: title, xLabel: xLabel, yLabel: yLabel)
    for (index, line) in series.enumerated() {
      let color = line.color ?? plotPalette[index % plotPalette.count]
      var run: [(Double, Double)] = []
      func flush() {
        if run.count == 1 {
          canvas.circle(run[0].0, run[0].1, radius: 2.5, fill: color)
        } else if run.count > 1 {
          canvas.polyline(run, color: color, width: 1.8, dashed: line.dashed)
        }
        run.removeAll()
      }
      for (x, y) in zip(line.x, line.y) {
        guard x.isFinite, y.isFinite, range.contains(y) || !logarithmicY else {
          flush()
          continue
        }
        run.append(
          (frame.x(x), frame.y(Swift.min(Swift.max(y, range.lowerBound), range.upperBound))))
      }
      flush()
      let legendY = top + 10 + Double(index) * 18
      let legendX = frame.right + 10
      canvas.line(
        legendX, legendY, legendX + 20, legendY, color: color, width: 2, dashed: line.dashed)
      canvas.text(line.name, legendX + 26, legendY + 4, size: 11)
    }
  }
}
