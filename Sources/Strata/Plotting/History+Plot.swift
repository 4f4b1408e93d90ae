import Foundation

extension History {
  /// Writes the training curves as an SVG image: one panel per metric, with the training
  /// values as a solid line and the validation values (`val_…`) dashed, epochs on the x-axis.
  /// This is the figure Keras users draw with matplotlib after `fit`.
  public func plot(to url: URL, title: String? = nil) throws {
    let metrics = keys.filter { !$0.hasPrefix("val_") && $0 != "learning_rate" }
    guard !metrics.isEmpty, !epoch.isEmpty else {
      throw StrataError(
        .invalidState, "History.plot(to:): there is nothing to plot (no epochs recorded)")
    }
    let panelWidth = 420.0
    let panelHeight = 300.0
    let top = title == nil ? 10.0 : 40.0
    var canvas = SVGCanvas(width: panelWidth * Double(metrics.count), height: panelHeight + top)
    if let title {
      canvas.text(title, canvas.width / 2, 26, size: 16, anchor: "middle", bold: true)
    }
    let epochs = epoch.map { Double($0 + 1) }
    for (panel, metric) in metrics.enumerated() {
      let series: [(String, [Float], Bool, String)] = [
        ("training", history[metric] ?? [], false, "#1f77b4"),
        ("validation", history["val_" + metric] ?? [], true, "#ff7f0e"),
      ].filter { !$0.1.isEmpty }
      let values = series.flatMap { $0.1 }.map(Double.init).filter(\.isFinite)
      var low = values.min() ?? 0
      var high = values.max() ?? 1
      if high - low < 1e-9 {
        low -= 0.5
        high += 0.5
      }
      let margin = (high - low) * 0.05
      low -= margin
      high += margin
      let left = Double(panel) * panelWidth + 60
      let right = Double(panel + 1) * panelWidth - 20
      let plotTop = top + 30
      let bottom = top + panelHeight - 50
      let firstEpoch = epochs.first ?? 1
      let lastEpoch = Swift.max(epochs.last ?? 1, firstEpoch + 1)
      func x(_ e: Double) -> Double {
        left + (e - firstEpoch) / (lastEpoch - firstEpoch) * (right - left)
      }
      func y(_ v: Double) -> Double { bottom - (v - low) / (high - low) * (bottom - plotTop) }
      canvas.text(metric, (left + right) / 2, top + 18, size: 14, anchor: "middle", bold: true)
      for tick in niceTicks(low, high) {
        canvas.line(left, y(tick), right, y(tick), color: "#e5e5e5")
        canvas.text(tickLabel(tick), left - 6, y(tick) + 4, size: 10, anchor: "end")
      }
      for tick in niceTicks(firstEpoch, lastEpoch, count: 6) where tick == tick.rounded() {
        canvas.line(x(tick), bottom, x(tick), bottom + 4, color: "#333")
        canvas.text(tickLabel(tick), x(tick), bottom + 16, size: 10, anchor: "middle")
      }
      canvas.line(left, bottom, right, bottom, color: "#333")
      canvas.line(left, plotTop, left, bottom, color: "#333")
      canvas.text("epoch", (left + right) / 2, bottom + 34, size: 11, anchor: "middle")
      for (index, (name, points, dashed, color)) in series.enumerated() {
        let coordinates = zip(epochs, points).filter { $0.1.isFinite }.map {
          (x($0.0), y(Double($0.1)))
        }
        if coordinates.count == 1 {
          canvas.circle(coordinates[0].0, coordinates[0].1, radius: 3, fill: color)
        } else {
          canvas.polyline(coordinates, color: color, dashed: dashed)
        }
        let legendY = plotTop + 4 + Double(index) * 16
        canvas.line(
          right - 110, legendY, right - 86, legendY, color: color, width: 2, dashed: dashed)
        canvas.text(name, right - 80, legendY + 4, size: 11)
      }
    }
    try canvas.write(to: url)
  }
}
