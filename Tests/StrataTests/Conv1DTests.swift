import Testing

@testable import Strata

@Test func conv1DIsTheConvolutionOfSequences() throws {
  // [steps, channels]: valid 10 − 3 + 1 = 8; same ⌈10 / 2⌉ = 5; causal keeps 10 and makes
  // output t depend on inputs up to t only.
  #expect(try Conv1D(filters: 4, kernelSize: 3).outputShape(forInputShape: [10, 2]) == [8, 4])
  #expect(
    try Conv1D(filters: 4, kernelSize: 3, strides: 2, padding: .same).outputShape(forInputShape: [
      10, 2,
    ]) == [5, 4])
  let causal = Conv1D(
    filters: 1, kernelSize: 3, padding: .causal, useBias: false, kernelInitializer: .ones)
  let x = Tensor(shape: [1, 5, 1], scalars: [1, 2, 3, 4, 5])
  // With a kernel of ones: y[t] = x[t − 2] + x[t − 1] + x[t], zeros before the start.
  #expect(try causal(x).scalars == [1, 3, 6, 9, 12])
  #expect(causal.kernel?.shape == [3, 1, 1])
  expectStrataError(
    .shapeMismatch, containing: "expected inputs of rank 3 (batch, steps, channels)"
  ) {
    _ = try Conv1D(filters: 1, kernelSize: 3)(Tensor.zeros([1, 4, 4, 1]))
  }
  expectStrataError(.shapeMismatch, containing: "does not fit the input") {
    _ = try Conv1D(filters: 1, kernelSize: 7)(Tensor.zeros([1, 4, 1]))
  }
  try expectRoundTrip(
    Conv1D(filters: 3, kernelSize: 2, padding: .causal, dilationRate: 2, activation: .tanh),
    inputShape: [6, 2])
}
