import Testing

@testable import StrataTensor

@Test func batchNormalizationMatchesKerasTrainingOutput() {
  // keras.layers.BatchNormalization()(x, training=True) for x = [[1,2],[3,6],[5,10]]
  // (KerasReference.md §4): epsilon 1e-3, gamma 1, beta 0, biased variance 8/3 and 32/3.
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

@Test func batchNormalizationOnALargeBatchMatchesADoubleReferenceOnAnyThreadCount() {
  // 300 × 250 = 75,000 values: the kernels split the features over threads (in 16-feature
  // groups, 250 leaving a partial group and partial 64-feature blocks). Statistics are
  // checked against a float64 reference; gradients must not depend on the thread count, and
  // the input gradient sums to zero per feature.
  let (rows, features) = (300, 250)
  let x = randomTensor([rows, features], seed: 201) * 3 + 1
  let gamma = randomTensor([features], seed: 202)
  let beta = randomTensor([features], seed: 203)
  let upstream = randomTensor([rows, features], seed: 204)
  var referenceMean = [Double](repeating: 0, count: features)
  var referenceVariance = [Double](repeating: 0, count: features)
  for j in 0..<features {
    let column = (0..<rows).map { Double(x.scalars[$0 * features + j]) }
    referenceMean[j] = column.reduce(0, +) / Double(rows)
    referenceVariance[j] =
      column.map { ($0 - referenceMean[j]) * ($0 - referenceMean[j]) }.reduce(0, +) / Double(rows)
  }
  func run(threads: Int) -> (Tensor.BatchNormalizationResult, [Tensor]) {
    let saved = ComputeThreads.count
    defer { ComputeThreads.count = saved }
    ComputeThreads.count = threads
    var result: Tensor.BatchNormalizationResult?
    let (_, gradients) = valueWithGradient(at: [x, gamma, beta]) { p in
      let normalized = p[0].batchNormalized(gamma: p[1], beta: p[2], epsilon: 1e-3)
      result = normalized
      return (normalized.output * upstream).sum()
    }
    return (result!, gradients)
  }
  let (one, gradientsOne) = run(threads: 1)
  let (two, gradientsTwo) = run(threads: 2)
  expectClose(one.mean.scalars, referenceMean.map(Float.init), tolerance: 1e-6)
  expectClose(one.variance.scalars, referenceVariance.map(Float.init), tolerance: 1e-5)
  #expect(one.output.scalars == two.output.scalars)
  for (a, b) in zip(gradientsOne, gradientsTwo) { #expect(a.scalars == b.scalars) }
  let dx = gradientsOne[0]
  for j in stride(from: 0, to: features, by: 37) {
    let total = (0..<rows).reduce(Float(0)) { $0 + dx.scalars[$1 * features + j] }
    #expect(abs(total) < 1e-4)
  }
}
