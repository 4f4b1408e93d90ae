import Foundation
import Testing

@testable import Strata

@Test func conv2DShapesAndParametersAreKeras() throws {
  // The "Deep Learning with Python" ch. 8 convnet, as Keras's summary prints it: 28×28×1 →
  // (26, 26, 32) 320 params → (13, 13, 32) → (11, 11, 64) 18,496 → (5, 5, 64) →
  // (3, 3, 128) 73,856 → 1,152 → Dense 10, 11,530.
  let model = Sequential {
    Input(shape: [28, 28, 1])
    Conv2D(filters: 32, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Conv2D(filters: 64, kernelSize: [3, 3], strides: 1, padding: .valid, activation: .relu)
    MaxPooling2D(poolSize: [2, 2], strides: [2, 2])
    Conv2D(filters: 128, kernelSize: 3, activation: .relu)
    Flatten()
    Dense(units: 10, activation: .softmax)
  }
  #expect(
    model.layers.map(\.name).prefix(4) == [
      "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1",
    ])
  #expect(model.layers.map(\.parameterCount) == [320, 0, 18496, 0, 73856, 0, 11530])
  #expect(model.outputShape == [10])
  let summary = model.summaryText(lineLength: 88)
  #expect(
    summary.contains(
      "│ conv2d (Conv2D)                      │ (None, 26, 26, 32)          │             320 │"))
  #expect(summary.contains("(None, 3, 3, 128)"))
  // Same padding keeps the size (⌈in / s⌉); strides 2 halve it.
  #expect(
    try Conv2D(filters: 4, kernelSize: 3, padding: .same).outputShape(forInputShape: [7, 7, 1]) == [
      7, 7, 4,
    ])
  #expect(
    try Conv2D(filters: 4, kernelSize: 3, strides: 2, padding: .same).outputShape(forInputShape: [
      7, 7, 1,
    ]) == [4, 4, 4])
  #expect(
    try Conv2D(filters: 4, kernelSize: 3, dilationRate: 2).outputShape(forInputShape: [7, 7, 1])
      == [3, 3, 4])
  #expect(
    try Conv2D(filters: 6, kernelSize: 1, groups: 3).weightShapes(forInputShape: [2, 2, 9])?[
      "kernel"] == [1, 1, 3, 6])
}

@Test func conv2DRejectsBadArgumentsAndInputsWhenBuilt() throws {
  let cases: [(Conv2D, [Int], StrataError.Kind, String)] = [
    (
      Conv2D(filters: 1, kernelSize: 5), [3, 3, 1], .shapeMismatch,
      "the kernel [5, 5] does not fit the input (None, 3, 3, 1)"
    ),
    (Conv2D(filters: 0, kernelSize: 3), [8, 8, 1], .invalidArgument, "filters=0"),
    (Conv2D(filters: 2, kernelSize: [3, 0]), [8, 8, 1], .invalidArgument, "kernelSize=[3, 0]"),
    (Conv2D(filters: 2, kernelSize: 3), [28, 28], .shapeMismatch, "expected inputs of rank 4"),
    (
      Conv2D(filters: 3, kernelSize: 3, groups: 2), [8, 8, 4], .invalidArgument,
      "evenly divisible by the number of groups"
    ),
    (
      Conv2D(filters: 4, kernelSize: 3, groups: 2), [8, 8, 3], .shapeMismatch,
      "input has 3 channels"
    ),
    (
      Conv2D(filters: 2, kernelSize: 3, strides: 2, dilationRate: 2), [8, 8, 1], .invalidArgument,
      "in conjunction with `dilationRate > 1`"
    ),
    (
      Conv2D(filters: 2, kernelSize: 3, padding: .causal), [8, 8, 1], .invalidArgument,
      ".causal is for Conv1D"
    ),
  ]
  for (layer, shape, kind, message) in cases {
    let model = Sequential {
      Input(shape: shape)
      layer
    }
    expectStrataError(kind, containing: message) { try model.build(inputShape: shape) }
    #expect(model.getWeights().isEmpty)
  }
  // A built convolution meets another channel count: an error naming both, no trap.
  let model = Sequential { Conv2D(filters: 2, kernelSize: 3, inputShape: [5, 5, 2]) }
  model.compile(loss: .meanSquaredError)
  expectStrataError(.shapeMismatch, containing: "expected shape (None, 5, 5, 2)") {
    _ = try model.predict(Tensor.zeros([1, 5, 5, 3]))
  }
}

@Test func conv2DLearnsAndRoundTrips() throws {
  try expectRoundTrip(
    Conv2D(
      filters: 4, kernelSize: [3, 2], strides: [2, 1], padding: .same, activation: .relu,
      kernelInitializer: .heNormal, regularizer: .l2(0.01)), inputShape: [6, 5, 2])
  try expectRoundTrip(
    Conv2D(filters: 4, kernelSize: 3, dilationRate: 2, groups: 2, useBias: false),
    inputShape: [7, 7, 2])
  try expectRoundTrip(
    Conv2D(filters: 3, kernelSize: 2, activation: .softmax), inputShape: [3, 3, 1])
  // A tiny convnet fits a pattern: images whose left half is bright are class 1.
  var generator = RandomGenerator(seed: 4)
  let noise = Tensor.uniform([64, 6, 6, 1], lowerBound: 0, upperBound: 0.3, generator: &generator)
  let labels = Tensor((0..<64).map { Float($0 % 2) })
  var bright = [Float](repeating: 0, count: 64 * 36)
  for n in 0..<64 where n % 2 == 1 {
    for row in 0..<6 { for column in 0..<3 { bright[n * 36 + row * 6 + column] = 0.7 } }
  }
  let x = noise + Tensor(shape: [64, 6, 6, 1], scalars: bright)
  let model = Sequential(seed: 2) {
    Conv2D(filters: 4, kernelSize: 3, activation: .relu, inputShape: [6, 6, 1])
    MaxPooling2D()
    Flatten()
    Dense(units: 1, activation: .sigmoid)
  }
  model.compile(
    optimizer: .adam(learningRate: 0.05), loss: .binaryCrossentropy, metrics: [.accuracy])
  let history = try model.fit(x, labels, epochs: 30, batchSize: 16, verbose: 0)
  #expect(history["accuracy"]!.last! == 1)
}
