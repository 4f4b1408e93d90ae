import Foundation
import Testing

@testable import Strata

// The cases of Tests/keras/convolution_fidelity.py, built in Strata with the same initial
// weights and data: after three SGD(0.05) steps on the mean squared error, every loss and
// every weight must equal Keras 3's (KerasConvolutionReference.swift) to 1e-5 relative.

/// The layers of each case, before the `Flatten` and `Dense(1)` every case ends with.
let convolutionFidelityCases: [String: (input: [Int], layers: @Sendable () -> [any Layer])] = [
  "conv2d_valid": ([4, 6, 6, 2], { [Conv2D(filters: 3, kernelSize: 3)] }),
  "conv2d_same_stride2_relu": (
    [4, 6, 6, 2],
    { [Conv2D(filters: 3, kernelSize: 3, strides: 2, padding: .same, activation: .relu)] }
  ),
  "conv2d_even_kernel_same_stride2": (
    [4, 5, 5, 2], { [Conv2D(filters: 2, kernelSize: 2, strides: 2, padding: .same)] }
  ),
  "conv2d_dilation2_same_tanh": (
    [4, 7, 7, 2],
    { [Conv2D(filters: 2, kernelSize: 3, padding: .same, dilationRate: 2, activation: .tanh)] }
  ),
  "conv2d_groups2": ([4, 5, 5, 4], { [Conv2D(filters: 4, kernelSize: 3, groups: 2)] }),
  "conv1d_causal_dilation2": (
    [4, 8, 2], { [Conv1D(filters: 3, kernelSize: 3, padding: .causal, dilationRate: 2)] }
  ),
  "conv1d_same_pooling1d": (
    [4, 8, 2],
    {
      [
        Conv1D(filters: 2, kernelSize: 3, padding: .same), MaxPooling1D(poolSize: 2),
        AveragePooling1D(poolSize: 2, padding: .same),
      ]
    }
  ),
  "conv2d_transpose_valid_stride2": (
    [4, 3, 3, 2], { [Conv2DTranspose(filters: 2, kernelSize: 3, strides: 2)] }
  ),
  "conv2d_transpose_same_stride2": (
    [4, 3, 3, 2], { [Conv2DTranspose(filters: 2, kernelSize: 3, strides: 2, padding: .same)] }
  ),
  "conv2d_transpose_even_kernel_same": (
    [4, 3, 3, 1], { [Conv2DTranspose(filters: 2, kernelSize: 4, strides: 2, padding: .same)] }
  ),
  "max_then_average_pooling_same": (
    [4, 6, 6, 2],
    {
      [
        Conv2D(filters: 3, kernelSize: 3, padding: .same), MaxPooling2D(poolSize: 2),
        AveragePooling2D(poolSize: 2, padding: .same),
      ]
    }
  ),
  "global_average_pooling": (
    [4, 5, 5, 2], { [Conv2D(filters: 4, kernelSize: 3), GlobalAveragePooling2D()] }
  ),
  "global_max_pooling": (
    [4, 5, 5, 2], { [Conv2D(filters: 4, kernelSize: 3), GlobalMaxPooling2D()] }
  ),
  "batch_normalization_after_conv": (
    [4, 5, 5, 2],
    { [Conv2D(filters: 3, kernelSize: 3), BatchNormalization(), Activation(.relu)] }
  ),
  "zero_padding_upsampling_reshape": (
    [4, 4, 4, 1],
    {
      [
        ZeroPadding2D(top: 1, bottom: 0, left: 0, right: 1), Conv2D(filters: 2, kernelSize: 2),
        UpSampling2D(size: 2), Reshape(targetShape: [-1, 4]),
      ]
    }
  ),
]

/// The script's initial weights: weight k, entry j is 1 + 0.1·sin(0.7j + k + 1) for a gamma or
/// moving variance, 0.3·sin(0.7j + k + 1) otherwise (computed in Double, rounded to Float).
func fidelityWeights(for model: Sequential) -> [Tensor] {
  model.weights.enumerated().map { k, weight in
    let scalars = (0..<weight.value.scalarCount).map { j -> Float in
      let wave = sin(0.7 * Double(j) + Double(k) + 1)
      let isScale = weight.name == "gamma" || weight.name == "moving_variance"
      return Float(isScale ? 1 + 0.1 * wave : 0.3 * wave)
    }
    return Tensor(shape: weight.shape, scalars: scalars)
  }
}

@Test(arguments: convolutionFidelityCases.keys.sorted())
func convolutionTrainsAsKerasDoes(name: String) throws {
  let (input, body) = try #require(convolutionFidelityCases[name])
  let expected = try #require(kerasConvolutionReference[name])
  let model = Sequential {
    Input(shape: Array(input.dropFirst()))
    body()
    Flatten()
    Dense(units: 1)
  }
  try model.setWeights(fidelityWeights(for: model))
  model.compile(optimizer: .sgd(learningRate: 0.05), loss: .meanSquaredError)
  let count = input.reduce(1, *)
  let x = Tensor(shape: input, scalars: (0..<count).map { Float(sin(0.37 * Double($0))) })
  let y = Tensor(shape: [input[0], 1], scalars: (0..<input[0]).map { Float(cos(Double($0))) })
  let losses = try (0..<3).map { _ in try model.trainOnBatch(x, y)["loss"]! }
  expectClose(losses, expected.losses, tolerance: 1e-5)
  expectClose(model.getWeights().flatMap(\.scalars), expected.weights, tolerance: 1e-5)
}

@Test func everyFidelityCaseHasKerasValues() {
  #expect(Set(convolutionFidelityCases.keys) == Set(kerasConvolutionReference.keys))
}
