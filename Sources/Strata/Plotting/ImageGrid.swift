import Foundation

/// How ``plotImages(_:columns:to:title:captions:scaling:pixelSize:)`` maps values to grey.
public enum ImageScaling: Sendable, Equatable {
  /// Each image from its own minimum (black) to its maximum (white): for filters, whose
  /// ranges differ ("Deep Learning from Scratch" figure 7-24).
  case perImage
  /// Every image from `low` (black) to `high` (white), values beyond clipped: `(0, 1)` for
  /// normalised MNIST pixels.
  case range(Float, Float)
}

/// Writes a grid of greyscale or colour images as an SVG picture: a convolution's filters,
/// data samples, an autoencoder's reconstructions, misclassified digits.
///
/// `images` is `[n, height, width]`, `[n, height, width, 1]` or `[n, height, width, 3]` (RGB);
/// a convolution kernel `[kh, kw, 1, filters]` shows its filters with
/// `kernel.transposed(permutation: [3, 0, 1, 2])`. Each image sits in a cell of `columns` per
/// row, under an optional caption.
public func plotImages(
  _ images: Tensor, columns: Int = 10, to url: URL, title: String? = nil,
  captions: [String]? = nil, scaling: ImageScaling = .perImage, pixelSize: Double = 4
) throws {
  let shape = images.shape
  let channels = shape.count == 4 ? shape[3] : 1
  guard shape.count == 3 || (shape.count == 4 && (channels == 1 || channels == 3)),
    shape.allSatisfy({ $0 > 0 })
  else {
    throw StrataError(
      .shapeMismatch,
      "plotImages: expects images [n, height, width], [n, height, width, 1] or [n, height, width, 3]; received \(shape)"
    )
  }
  guard columns > 0, pixelSize > 0, pixelSize.isFinite else {
    throw StrataError(
      .invalidArgument,
      "plotImages: `columns` and `pixelSize` must be positive. Received: columns=\(columns), pixelSize=\(pixelSize)"
    )
  }
  let (count, height, width) = (shape[0], shape[1], shape[2])
  if let captions, captions.count != count {
    throw StrataError(
      .invalidArgument, "plotImages: \(captions.count) captions for \(count) images")
  }
  if case .range(let low, let high) = scaling, !(low < high && low.isFinite && high.isFinite) {
    throw StrataError(
      .invalidArgument,
      "plotImages: the range must be finite and increasing. Received: \(low)…\(high)")
  }
  let gap = 6.0
  let captionHeight = captions == nil ? 0.0 : 14.0
  let cellWidth = Double(width) * pixelSize + gap
  let cellHeight = Double(height) * pixelSize + gap + captionHeight
  let rows = (count + columns - 1) / columns
  let top = title == nil ? gap : 34.0
  var canvas = SVGCanvas(
    width: Swift.max(Double(Swift.min(count, columns)) * cellWidth + gap, 120),
    height: Double(rows) * cellHeight + top + gap)
  if let title {
    canvas.text(title, canvas.width / 2, 22, size: 14, anchor: "middle", bold: true)
  }
  let perImage = height * width * channels
  for index in 0..<count {
    let values = images.scalars[(index * perImage)..<((index + 1) * perImage)]
    let (low, high): (Float, Float)
    switch scaling {
    case .perImage:
      let finite = values.filter(\.isFinite)
      (low, high) = (finite.min() ?? 0, finite.max() ?? 1)
    case .range(let a, let b): (low, high) = (a, b)
    }
    let spread = high > low ? high - low : 1
    func level(_ value: Float) -> Int {
      guard value.isFinite else { return 0 }
      return Int((Swift.min(Swift.max((value - low) / spread, 0), 1) * 255).rounded())
    }
    let x0 = gap + Double(index % columns) * cellWidth
    let y0 = top + Double(index / columns) * cellHeight
    for row in 0..<height {
      // Neighbouring pixels of the same colour are drawn as one rectangle.
      var column = 0
      while column < width {
        let base = values.startIndex + (row * width + column) * channels
        let colour = (0..<channels).map { level(values[base + $0]) }
        var run = 1
        while column + run < width,
          (0..<channels).map({ level(values[base + run * channels + $0]) }) == colour
        {
          run += 1
        }
        let rgb = channels == 3 ? colour : [colour[0], colour[0], colour[0]]
        canvas.rectangle(
          x0 + Double(column) * pixelSize, y0 + Double(row) * pixelSize,
          Double(run) * pixelSize + 0.02, pixelSize + 0.02,
          fill: String(format: "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]))
        column += run
      }
    }
    if let captions {
      canvas.text(
        captions[index], x0 + Double(width) * pixelSize / 2,
        y0 + Double(height) * pixelSize + 11, size: 9, anchor: "middle")
    }
  }
  try canvas.write(to: url)
}
