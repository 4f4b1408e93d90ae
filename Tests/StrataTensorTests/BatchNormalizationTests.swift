import Testing

@testable import StrataTensor

@Test func batchNormalizationMatchesKerasTrainingOutput() {
  // keras.layers.BatchNormalization()(x, training=True) for x = [[1,2],[3,6],[5,10]]
  // (reference/keras.md §11): epsilon 1e-3, gamma 1, beta 0, biased variance 8/3 and 32/3.
  let x = Tensor([[1, 2], [3, 6], [5, 10]])
  let result = x.batchNormalized(gamma: Tensor.ones([2]), beta: Tensor.zeros([2]), epsilon: 1e-3)
  expectClose(result.output.scalars, [-1.2245152, -1.2246873, 0, 0, 1.2245154, 1.2246875])
  expectClose(result.mean.scalars, [3, 6])
  expectClose(result.variance.scalars, [8.0 / 3.0, 32.0 / 3.0])
}

@Test func batchNormalizationGradients() {
  let x = randomTensor([6, 3], seed: 91) * 2
  let gamma = randomTensor([3], seed: 92)
  let beta = randomTensor([3], seed: 93)
  let weights = randomTensor([6, 3], seed: 94)
  expectGradientsMatch(at: [x, gamma, beta], step: 1e-3) { p in
    p[0].batchNormalized(gamma: p[1], beta: p[2], epsilon: 1e-3).output * weights
  }
  expectGradientsMatch(at: [x], step: 1e-3) { p in
    p[0].batchNormalized(gamma: nil, beta: nil, epsilon: 1e-3).output * weights
  }
  // Rank 3: statistics over the first two axes.
  let cube = randomTensor([2, 3, 2], seed: 95)
  expectGradientsMatch(at: [cube], step: 1e-3) { p in
    p[0].batchNormalized(gamma: nil, beta: nil, epsilon: 1e-3).output
      * randomTensor([2, 3, 2], seed: 96)
  }
}
