import StrataKernels

// Where a convolution or pooling window falls on a channels-last image.

/// How the edges of an image are treated by a convolution or pooling window, Keras's `padding`.
public enum Padding: String, Equatable, Hashable, Sendable {
  /// No padding: windows lie wholly inside the input; the output is
  /// `⌊(in − d(k − 1) − 1) / s⌋ + 1`.
  case valid
  /// Zero padding so that the output is `⌈in / s⌉`: a total of
  /// `max((out − 1)s + d(k − 1) + 1 − in, 0)`, half before, the remainder after (the extra row
  /// or column at the bottom or right), as TensorFlow and Keras pad.
  case same
  /// Padding only before, `d(k − 1)`, so that output `t` sees inputs up to `t` (Keras's
  /// `Conv1D(padding="causal")`).
  case causal
}

/// The geometry of a 2-D window (a convolution kernel or a pooling window) sliding over
/// channels-last images `[batch, height, width, channels]`: sizes, strides, dilation and the
/// padding on each side, and the output size they give.
public struct WindowGeometry: Equatable, Sendable {
  /// The input's height and width.
  public let inputSize: [Int]
  /// The window's height and width.
  public let windowSize: [Int]
  /// The steps between windows, down and across.
  public let strides: [Int]
  /// The spacing between window taps, down and across (1: adjacent).
  public let dilation: [Int]
  /// Zero rows above and below, zero columns left and right: `[top, bottom, left, right]`.
  public let padding: [Int]

  /// The geometry for `padding`, with Keras's arithmetic. Sizes are `[height, width]`.
  public init(
    inputSize: [Int], windowSize: [Int], strides: [Int] = [1, 1], dilation: [Int] = [1, 1],
    padding: Padding = .valid
  ) {
    precondition(
      inputSize.count == 2 && windowSize.count == 2 && strides.count == 2 && dilation.count == 2,
      "WindowGeometry: sizes, strides and dilation are [height, width]")
    var pads: [Int] = []
    for axis in 0..<2 {
      let extent = dilation[axis] * (windowSize[axis] - 1) + 1
      switch padding {
      case .valid: pads += [0, 0]
      case .causal: pads += [extent - 1, 0]
      case .same:
        let output = (inputSize[axis] + strides[axis] - 1) / Swift.max(strides[axis], 1)
        let total = Swift.max((output - 1) * strides[axis] + extent - inputSize[axis], 0)
        pads += [total / 2, total - total / 2]
      }
    }
    self.init(
      inputSize: inputSize, windowSize: windowSize, strides: strides, dilation: dilation,
      explicitPadding: pads)
  }

  /// The geometry with explicit padding `[top, bottom, left, right]`.
  public init(
    inputSize: [Int], windowSize: [Int], strides: [Int], dilation: [Int], explicitPadding: [Int]
  ) {
    self.inputSize = inputSize
    self.windowSize = windowSize
    self.strides = strides
    self.dilation = dilation
    self.padding = explicitPadding
  }

  /// The output's height and width: `⌊(in + padding − d(k − 1) − 1) / s⌋ + 1` per axis. A
  /// value below 1 means the window does not fit (the caller reports it).
  public var outputSize: [Int] {
    (0..<2).map { axis in
      let padded = inputSize[axis] + padding[2 * axis] + padding[2 * axis + 1]
      let extent = dilation[axis] * (windowSize[axis] - 1) + 1
      guard strides[axis] > 0, padded >= extent else { return 0 }
      return (padded - extent) / strides[axis] + 1
    }
  }

  /// Whether every size, stride and dilation is positive and the window fits.
  public var isValid: Bool {
    (inputSize + windowSize + strides + dilation).allSatisfy { $0 > 0 }
      && padding.allSatisfy { $0 >= 0 } && outputSize.allSatisfy { $0 > 0 }
  }

  /// The kernels' description of this window over images of `channels` channels.
  func kernelWindow(channels: Int) -> strata_window {
    let output = outputSize
    return strata_window(
      height: inputSize[0], width: inputSize[1], channels: channels, kh: windowSize[0],
      kw: windowSize[1], strideHeight: strides[0], strideWidth: strides[1],
      dilationHeight: dilation[0], dilationWidth: dilation[1], top: padding[0], left: padding[2],
      outHeight: output[0], outWidth: output[1])
  }

  /// Runs `body(firstImage, lastImage)` over the batch split into ranges of images on the
  /// compute threads (work per image is `valuesPerImage`).
  static func forImageRanges(batch: Int, valuesPerImage: Int, _ body: (Int, Int) -> Void) {
    parallelRanges(
      count: batch,
      minimumChunk: Swift.max(1, elementwiseParallelThreshold / Swift.max(valuesPerImage, 1))
    ) { range in body(range.lowerBound, range.upperBound) }
  }
}
