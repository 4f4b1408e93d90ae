import Foundation

extension Sequential {
  /// Writes an SVG image of the regions a two-input classifier assigns to each class, with the
  /// data points on top: the picture of the spiral or moons after training.
  ///
  /// The model's output decides the class: the argmax of several outputs, or `p > 0.5` for
  /// one. Labels may be class indices, one-hot rows, or 0/1.
  public func plotDecisionRegions(
    x: Tensor, y: Tensor, to url: URL, resolution: Int = 120, title: String? = nil
  ) throws {
    guard x.rank == 2, x.shape[1] == 2 else {
      throw StrataError(
        .shapeMismatch, "plotDecisionRegions: expects inputs of shape [n, 2], received \(x.shape)")
    }
    let classes = try predictedClasses(x)  // also validates the model against x
    _ = classes
    let labels: [Int] =
      y.rank == 2 && y.shape[1] > 1
      ? y.argmax(alongAxis: 1).scalars.map { Int($0) }
      : y.scalars.map { classIndex($0.rounded()) ?? -1 }
    let width = x.shape[1]
    let xs = (0..<x.shape[0]).map { Double(x.scalars[$0 * width]) }
    let ys = (0..<x.shape[0]).map { Double(x.scalars[$0 * width + 1]) }
    guard let xMin = xs.min(), let xMax = xs.max(), let yMin = ys.min(), let yMax = ys.max() else {
      throw StrataError(.invalidData, "plotDecisionRegions: `x` holds no points")
    }
    let pad = 0.1 * Swift.max(xMax - xMin, yMax - yMin, 1e-3)
    let (x0, x1) = (xMin - pad, xMax + pad)
    let (y0, y1) = (yMin - pad, yMax + pad)
    var grid: [Float] = []
    for row in 0..<resolution {
      for column in 0..<resolution {
        grid.append(Float(x0 + (Double(column) + 0.5) / Double(resolution) * (x1 - x0)))
        grid.append(Float(y1 - (Double(row) + 0.5) / Double(resolution) * (y1 - y0)))
      }
    }
    let regions = try predictedClasses(Tensor(shape: [resolution * resolution, 2], scalars: grid))
    let palette = plotPalette
    let size = 480.0
    let top = title == nil ? 20.0 : 50.0
    let left = 60.0
    var canvas = SVGCanvas(width: size + left + 20, height: size + top + 50)
    if let title {
      canvas.text(title, canvas.width / 2, 26, size: 16, anchor: "middle", bold: true)
    }
    let cell = size / Double(resolution)
    // One rectangle per horizontal run of a class keeps the file small. The tints are opaque,
    // so where neighbouring runs overlap (to hide the seams) nothing darkens.
    for row in 0..<resolution {
      var start = 0
      while start < resolution {
        let label = regions[row * resolution + start]
        var end = start + 1
        while end < resolution && regions[row * resolution + end] == label { end += 1 }
        canvas.rectangle(
          left + Double(start) * cell, top + Double(row) * cell,
          Double(end - start) * cell + 0.5, cell + 0.5,
          fill: lightened(palette[label % palette.count], by: 0.75))
        start = end
      }
    }
    let frame = PlotFrame(
      left: left, top: top, width: size, height: size, xRange: x0...x1, yRange: y0...y1)
    for i in xs.indices {
      canvas.circle(
        frame.x(xs[i]), frame.y(ys[i]), radius: 3, fill: palette[labels[i] % palette.count],
        stroke: "#222")
    }
    frame.drawAxes(on: &canvas, title: nil, xLabel: "x₁", yLabel: "x₂", grid: false)
    try canvas.write(to: url)
  }

  private func predictedClasses(_ x: Tensor) throws -> [Int] {
    let output = try predict(x, batchSize: 4096)
    if output.shape.last == 1 { return output.scalars.map { $0 > 0.5 ? 1 : 0 } }
    return output.argmax(alongAxis: -1).scalars.map { Int($0) }
  }
}
