import Foundation

/// Level lines of a function of two variables, with paths drawn over them: the picture of
/// "Deep Learning from Scratch" figure 6-8, optimizers descending f(x, y) = x²/20 + y².
///
/// ```swift
/// var plot = ContourPlot(x: -10...10, y: -5...5) { x, y in x * x / 20 + y * y }
/// plot.addPath("SGD", points: sgdPath)
/// try plot.write(to: URL(fileURLWithPath: "paths.svg"))
/// ```
public struct ContourPlot: Sendable {
  /// The function whose level lines are drawn.
  public let function: @Sendable (Double, Double) -> Double
  /// The x range shown.
  public var x: ClosedRange<Double>
  /// The y range shown.
  public var y: ClosedRange<Double>
  /// The levels drawn; about ten between the function's extremes over the grid when nil.
  public var levels: [Double]?
  /// The title above the plot.
  public var title: String?
  /// Named paths (point sequences) drawn over the level lines, with a legend beside.
  public private(set) var paths: [(name: String, points: [(Double, Double)])] = []
  /// Grid points per side used to trace the level lines.
  public var resolution = 120

  /// A contour plot of `function` over `x × y`.
  public init(
    x: ClosedRange<Double>, y: ClosedRange<Double>, levels: [Double]? = nil,
    title: String? = nil, function: @escaping @Sendable (Double, Double) -> Double
  ) {
    self.function = function
    self.x = x
    self.y = y
    self.levels = levels
    self.title = title
  }

  /// Adds a path, drawn as a line with a marker at every point.
  public mutating func addPath(_ name: String, points: [(Double, Double)]) {
    paths.append((name, points))
  }

  /// Writes the plot as an SVG file.
  public func write(to url: URL) throws {
    var figure = Figure(columns: 1)
    figure.add(self)
    try figure.write(to: url)
  }

  func validate() throws {
    guard x.upperBound > x.lowerBound, y.upperBound > y.lowerBound, resolution >= 2 else {
      throw StrataError(
        .invalidArgument, "ContourPlot: the ranges must be increasing and the resolution ≥ 2")
    }
  }

  var legendWidth: Double {
    paths.isEmpty ? 0 : 28 + 6.5 * Double(paths.map(\.name.count).max() ?? 0)
  }

  func draw(on canvas: inout SVGCanvas, left: Double, top: Double, width: Double, height: Double) {
    let frame = PlotFrame(
      left: left, top: top, width: width - legendWidth, height: height, xRange: x, yRange: y)
    let n = resolution
    // The function on an (n + 1) × (n + 1) grid of corners.
    var values = [Double](repeating: 0, count: (n + 1) * (n + 1))
    func corner(_ i: Int, _ j: Int) -> (Double, Double) {
      (
        x.lowerBound + Double(i) / Double(n) * (x.upperBound - x.lowerBound),
        y.lowerBound + Double(j) / Double(n) * (y.upperBound - y.lowerBound)
      )
    }
    for j in 0...n {
      for i in 0...n {
        let (px, py) = corner(i, j)
        values[j * (n + 1) + i] = function(px, py)
      }
    }
    let finite = values.filter(\.isFinite)
    let (low, high) = (finite.min() ?? 0, finite.max() ?? 1)
    let drawn =
      levels ?? (1...10).map { low + (high - low) * pow(Double($0) / 10, 2) }
    // Marching squares: in each cell, a level crossing two edges is a segment between them.
    for (index, level) in drawn.enumerated() {
      let shade = lightened(
        "#1f4e79", by: 0.15 + 0.6 * Double(index) / Double(Swift.max(drawn.count, 1)))
      for j in 0..<n {
        for i in 0..<n {
          let v = [
            values[j * (n + 1) + i], values[j * (n + 1) + i + 1],
            values[(j + 1) * (n + 1) + i + 1], values[(j + 1) * (n + 1) + i],
          ]
          let c = [corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1)]
          var crossings: [(Double, Double)] = []
          for edge in 0..<4 {
            let (a, b) = (v[edge], v[(edge + 1) % 4])
            guard a.isFinite, b.isFinite, (a < level) != (b < level) else { continue }
            let t = (level - a) / (b - a)
            let (p, q) = (c[edge], c[(edge + 1) % 4])
            crossings.append((p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1)))
          }
          var k = 0
          while k + 1 < crossings.count {
            canvas.line(
              frame.x(crossings[k].0), frame.y(crossings[k].1), frame.x(crossings[k + 1].0),
              frame.y(crossings[k + 1].1), color: shade, width: 1)
            k += 2
          }
        }
      }
    }
    frame.drawAxes(on: &canvas, title: title, xLabel: "x", yLabel: "y", grid: false)
    for (index, path) in paths.enumerated() {
      let color = plotPalette[(index + 1) % plotPalette.count]
      let points = path.points.filter { x.contains($0.0) && y.contains($0.1) }
        .map { (frame.x($0.0), frame.y($0.1)) }
      if points.count > 1 { canvas.polyline(points, color: color, width: 1.5) }
      for point in points { canvas.circle(point.0, point.1, radius: 2, fill: color) }
      let legendY = top + 10 + Double(index) * 18
      canvas.line(frame.right + 10, legendY, frame.right + 30, legendY, color: color, width: 2)
      canvas.text(path.name, frame.right + 36, legendY + 4, size: 11)
    }
  }
}
