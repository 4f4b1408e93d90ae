import Testing

@testable import StrataTensor

@Test(arguments: [ElementwiseActivation.linear, .relu, .sigmoid, .tanh, .elu(alpha: 1), .swish])
func fusedDenseMatchesComposition(activation: ElementwiseActivation) {
  let x = randomTensor([5, 7], seed: 71)
  let w = randomTensor([7, 3], seed: 72)
  let b = randomTensor([3], seed: 73)
  let fused = x.dense(kernel: w, bias: b, activation: activation)
  let composed = (x.matmul(w) + b).activated(activation)
  expectClose(fused.scalars, composed.scalars, tolerance: 1e-6)
  let weights = Tensor.arange(to: 3)
  expectGradientsMatch(at: [x, w, b], step: 1e-3) { p in
    p[0].dense(kernel: p[1], bias: p[2], activation: activation) * weights
  }
  expectGradientsMatch(at: [x, w], step: 1e-3) { p in
    p[0].dense(kernel: p[1], bias: nil, activation: activation) * weights
  }
}
