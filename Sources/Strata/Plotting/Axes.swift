import Foundation

/// Where a panel is drawn on a canvas and the data ranges its axes show: the shared frame of
/// every plot (line plots, histograms, contours, decision regions).
struct PlotFrame {
  let left: Double
  let top: Double
  let width: Double
  let height: Double
  var xRange: ClosedRange<Double>
  var yRange: ClosedRange<Double>
  var logY = false

  var right: Double { left + width }
  var bottom: Double { top + height }

  func x(_ value: Double) -> Double {
    left + (value - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * width
  }

  func y(_ value: Double) -> Double {
    let (low, high, v) =
      logY
      ? (log10(yRange.lowerBound), log10(yRange.upperBound), log10(Swift.max(value, 1e-300)))
      : (yRange.lowerBound, yRange.upperBound, value)
    return bottom - (v - low) / (high - low) * height
  }

  /// Ticks, grid lines, labels and the frame; the title above.
  func drawAxes(
    on canvas: inout SVGCanvas, title: String?, xLabel: String?, yLabel: String?, grid: Bool = true
  ) {
    if let title {
      canvas.text(title, left + width / 2, top - 10, size: 13, anchor: "middle", bold: true)
    }
    var yTicks = niceTicks(yRange.lowerBound, yRange.upperBound)
    if logY {
      // 1, 2 and 5 times each power of ten in range.
      let decades = Int(floor(log10(yRange.lowerBound)))...Int(ceil(log10(yRange.upperBound)))
      yTicks = decades.flatMap { power in [1.0, 2, 5].map { $0 * pow(10, Double(power)) } }
        .filter { yRange.contains($0) }
    }
    for tick in yTicks {
      if grid { canvas.line(left, y(tick), right, y(tick), color: "#e5e5e5") }
      canvas.line(left - 4, y(tick), left, y(tick), color: "#333")
      canvas.text(tickLabel(tick), left - 6, y(tick) + 4, size: 10, anchor: "end")
    }
    for tick in niceTicks(xRange.lowerBound, xRange.upperBound, count: 6) {
      if grid { canvas.line(x(tick), top, x(tick), bottom, color: "#f0f0f0") }
      canvas.line(x(tick), bottom, x(tick), bottom + 4, color: "#333")
      canvas.text(tickLabel(tick), x(tick), bottom + 16, size: 10, anchor: "middle")
    }
    canvas.rectangle(left, top, width, height, fill: "none", stroke: "#333")
    if let xLabel {
      canvas.text(xLabel, left + width / 2, bottom + 34, size: 11, anchor: "middle")
    }
    if let yLabel {
      canvas.text(yLabel, left - 44, top + height / 2, size: 11, anchor: "middle", rotate: -90)
    }
  }
}

/// matplotlib's default colour cycle.
let plotPalette = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf",
]

/// `color` (`#rrggbb`) mixed with white: `amount` 0 is the colour, 1 white. An opaque tint,
/// so neighbouring cells never darken where they overlap.
func lightened(_ color: String, by amount: Double) -> String {
  let hex: Int = Int(color.dropFirst(), radix: 16) ?? 0
  let raw: [Int] = [(hex >> 16) & 255, (hex >> 8) & 255, hex & 255]
  let channels: [Int] = raw.map { (channel: Int) -> Int in
    let value = Double(channel)
    return Int((value + (255 - value) * amount).rounded())
  }
  return String(format: "#%02x%02x%02x", channels[0], channels[1], channels[2])
}

/// A range covering `values` with a 5% margin (a unit range around a constant).
func paddedRange(_ values: [Double], margin: Double = 0.05) -> ClosedRange<Double> {
  let finite = values.filter(\.isFinite)
  var low = finite.min() ?? 0
  var high = finite.max() ?? 1
  if high - low < 1e-12 {
    low -= 0.5
    high += 0.5
  }
  let pad = (high - low) * margin
  return (low - pad)...(high + pad)
}
