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

  /// Calls `body(outputRow, outputColumn, tap, inputRow, inputColumn)` for every window tap
  /// that falls inside the input (taps on padding are skipped); `tap` numbers the window's
  /// positions row by row.
  @inline(__always)
  func forEachTap(
    outputRow: Int, outputColumn: Int, _ body: (_ tap: Int, _ row: Int, _ column: Int) -> Void
  ) {
    let rowStart = outputRow * strides[0] - padding[0]
    let columnStart = outputColumn * strides[1] - padding[2]
    for i in 0..<windowSize[0] {
      let row = rowStart + i * dilation[0]
      guard row >= 0 && row < inputSize[0] else { continue }
      for j in 0..<windowSize[1] {
        let column = columnStart + j * dilation[1]
        guard column >= 0 && column < inputSize[1] else { continue }
        body(i * windowSize[1] + j, row, column)
      }
    }
  }
}
