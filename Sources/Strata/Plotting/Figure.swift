import Foundation

/// Several plots side by side in one SVG, as matplotlib's `plt.subplots(rows, columns)`: the
/// panels fill the grid row by row.
///
/// ```swift
/// var figure = Figure(columns: 5, title: "Activations, sigmoid, std 1")
/// for (layer, values) in activations.enumerated() {
///     figure.add(Histogram(values, bins: 30, range: 0...1, title: "layer \(layer + 1)"))
/// }
/// try figure.write(to: URL(fileURLWithPath: "activations.svg"))
/// ```
public struct Figure: Sendable {
  enum Panel: Sendable {
    case line(LinePlot)
    case histogram(Histogram)
    case contour(ContourPlot)
  }

  /// The number of panels per row.
  public let columns: Int
  /// The title above all panels.
  public var title: String?
  /// The size of one panel's plot area, in pixels (the legend is added to the width).
  public var panelSize: (width: Double, height: Double)
  private(set) var panels: [Panel] = []

  /// An empty figure of `columns` panels per row.
  public init(
    columns: Int, title: String? = nil, panelSize: (width: Double, height: Double) = (360, 240)
  ) {
    self.columns = columns
    self.title = title
    self.panelSize = panelSize
  }

  /// Adds a line plot as the next panel.
  public mutating func add(_ plot: LinePlot) { panels.append(.line(plot)) }
  /// Adds a histogram as the next panel.
  public mutating func add(_ histogram: Histogram) { panels.append(.histogram(histogram)) }
  /// Adds a contour plot as the next panel.
  public mutating func add(_ plot: ContourPlot) { panels.append(.contour(plot)) }

  /// Writes the figure as a standalone SVG file (atomically).
  public func write(to url: URL) throws {
    guard columns > 0, !panels.isEmpty else {
      throw StrataError(
        .invalidArgument,
        "Figure: needs at least one panel and a positive number of columns (\(panels.count) panels, \(columns) columns)"
      )
    }
    let legend =
      panels.map { panel -> Double in
        switch panel {
        case .line(let plot): return plot.legendWidth
        case .contour(let plot): return plot.legendWidth
        case .histogram: return 0
        }
      }.max() ?? 0
    let (margin, gap) = ((left: 70.0, top: title == nil ? 34.0 : 62.0), (x: 40.0, y: 70.0))
    let cellWidth = panelSize.width + legend + gap.x
    let cellHeight = panelSize.height + gap.y
    let rows = (panels.count + columns - 1) / columns
    var canvas = SVGCanvas(
      width: margin.left + Double(Swift.min(columns, panels.count)) * cellWidth,
      height: margin.top + Double(rows) * cellHeight)
    if let title {
      canvas.text(title, canvas.width / 2, 26, size: 16, anchor: "middle", bold: true)
    }
    for (index, panel) in panels.enumerated() {
      let left = margin.left + Double(index % columns) * cellWidth
      let top = margin.top + Double(index / columns) * cellHeight
      let width = panelSize.width + legend
      switch panel {
      case .line(let plot):
        try plot.validate()
        plot.draw(on: &canvas, left: left, top: top, width: width, height: panelSize.height)
      case .histogram(let histogram):
        try histogram.validate()
        histogram.draw(
          on: &canvas, left: left, top: top, width: panelSize.width, height: panelSize.height)
      case .contour(let plot):
        try plot.validate()
        plot.draw(on: &canvas, left: left, top: top, width: width, height: panelSize.height)
      }
    }
    try canvas.write(to: url)
  }
}
