import Testing

@testable import StrataTensor

@Test func softmaxValuesAreStable() {
  // scipy.special.softmax([1, 2, 3]) = [0.09003057, 0.24472847, 0.66524096]
  expectClose(Tensor([1, 2, 3]).softmax().scalars, [0.09003057, 0.24472847, 0.66524096])
  // Large logits do not overflow: the maximum is subtracted first.
  expectClose(Tensor([1000, 1001, 1002]).softmax().scalars, [0.09003057, 0.24472847, 0.66524096])
  // log_softmax([1, 2, 3]) = [-2.40760596, -1.40760596, -0.40760596]
  expectClose(Tensor([1, 2, 3]).logSoftmax().scalars, [-2.407606, -1.407606, -0.407606])
  let columns = Tensor([[1, 5], [3, 5]]).softmax(alongAxis: 0)
  expectClose(columns.scalars, [0.11920292, 0.5, 0.880797, 0.5])
}

@Test func softmaxGradients() {
  let x = randomTensor([3, 4], seed: 51)
  let weights = Tensor.arange(to: 4)
  expectGradientsMatch(at: [x]) { p in p[0].softmax() * weights }
  expectGradientsMatch(at: [x]) { p in p[0].softmax(alongAxis: 0) * Tensor([[1], [2], [3]]) }
  expectGradientsMatch(at: [x]) { p in p[0].logSoftmax() * weights }
}
