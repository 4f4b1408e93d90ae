import Foundation

/// A minimal SVG writer for Strata's plots: lines, polylines, circles, rectangles and text.
struct SVGCanvas {
  let width: Double
  let height: Double
  private var elements: [String] = []

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  static func number(_ value: Double) -> String { String(format: "%.2f", value) }

  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }

  mutating func line(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String, width: Double = 1,
    dashed: Bool = false
  ) {
    let n = SVGCanvas.number
    elements.append(
      "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(color)\" stroke-width=\"\(n(width))\"\(dashed ? " stroke-dasharray=\"4 3\"" : "")/>"
    )
  }

  mutating func polyline(
    _ points: [(Double, Double)], color: String, width: Double = 2, dashed: Bool = false
  ) {
    let list = points.map { "\(SVGCanvas.number($0.0)),\(SVGCanvas.number($0.1))" }.joined(
      separator: " ")
    elements.append(
      "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(SVGCanvas.number(width))\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")/>"
    )
  }

  mutating func circle(
    _ x: Double, _ y: Double, radius: Double, fill: String, stroke: String = "none"
  ) {
    let n = SVGCanvas.number
    elements.append(
      "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(radius))\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"0.6\"/>"
    )
  }

  mutating func rectangle(
    _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String = "none",
    opacity: Double = 1
  ) {
    let n = SVGCanvas.number
    // Defaults are left out: an image grid is thousands of these.
    let strokeAttribute = stroke == "none" ? "" : " stroke=\"\(stroke)\""
    let opacityAttribute = opacity == 1 ? "" : " fill-opacity=\"\(n(opacity))\""
    elements.append(
      "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"\(fill)\"\(strokeAttribute)\(opacityAttribute)/>"
    )
  }

  mutating func text(
    _ value: String, _ x: Double, _ y: Double, size: Double = 12, anchor: String = "start",
    bold: Bool = false, rotate: Double? = nil, color: String = "#222"
  ) {
    let n = SVGCanvas.number
    let transform = rotate.map { " transform=\"rotate(\(n($0)) \(n(x)) \(n(y)))\"" } ?? ""
    elements.append(
      "<text x=\"\(n(x))\" y=\"\(n(y))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"\(n(size))\" fill=\"\(color)\" text-anchor=\"\(anchor)\"\(bold ? " font-weight=\"bold\"" : "")\(transform)>\(SVGCanvas.escape(value))</text>"
    )
  }

  var document: String {
    """
    <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))">
    <rect width="100%" height="100%" fill="white"/>
    \(elements.joined(separator: "\n"))
    </svg>

    """
  }

  /// Writes the document atomically.
  func write(to url: URL) throws {
    try writeAtomically(Data(document.utf8), to: url)
  }
}

/// About five round tick values covering `[low, high]` (1, 2 or 5 times a power of ten apart).
func niceTicks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
  guard high > low else { return [low] }
  let raw = (high - low) / Double(count)
  let magnitude = pow(10, floor(log10(raw)))
  let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
  var ticks: [Double] = []
  var value = ceil(low / step) * step
  while value <= high + step * 1e-9 {
    ticks.append(abs(value) < step * 1e-9 ? 0 : value)
    value += step
  }
  return ticks
}

/// A short label for a tick value.
func tickLabel(_ value: Double) -> String {
  if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
  let text = String(format: "%.3g", value)
  return text
}
