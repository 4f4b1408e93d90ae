import Foundation
import Testing

@testable import StrataTensor

@Test func sparseAndOneHotSoftmaxCrossEntropyAgree() {
  let logits = Tensor([[2, 1, 0.1], [0.5, 2.5, 0.3]])
  let sparse = Tensor.softmaxCrossEntropy(logits: logits, labels: Tensor([0, 2]))
  let dense = Tensor.softmaxCrossEntropy(logits: logits, targets: Tensor([[1, 0, 0], [0, 0, 1]]))
  // -log_softmax: row 0 label 0 = 0.41702 (np: -log(e^2/(e^2+e+e^0.1))); row 1 label 2 = 2.42005
  expectClose(sparse.scalars, [0.4170300, 2.4200495])
  expectClose(dense.scalars, sparse.scalars)
}

@Test func softmaxCrossEntropyGradientIsPMinusY() {
  let logits = Tensor([[2, 1, 0.1], [0.5, 2.5, 0.3]])
  let g = gradient(at: [logits]) { p in
    Tensor.softmaxCrossEntropy(logits: p[0], labels: Tensor([0, 2])).mean()
  }
  let probabilities = logits.softmax()
  let expected = (probabilities - Tensor([[1, 0, 0], [0, 0, 1]])) / 2
  expectClose(g[0].scalars, expected.scalars)
  let x = randomTensor([3, 4], seed: 81)
  expectGradientsMatch(at: [x]) { p in
    Tensor.softmaxCrossEntropy(logits: p[0], labels: Tensor([3, 0, 1])) * Tensor([1, 2, 3])
  }
  let targets = Tensor([[0.2, 0.3, 0.5, 0], [0, 0, 0, 1], [0.25, 0.25, 0.25, 0.25]])
  expectGradientsMatch(at: [x, targets]) { p in
    Tensor.softmaxCrossEntropy(logits: p[0], targets: p[1]) * Tensor([1, 2, 3])
  }
}

@Test func sigmoidCrossEntropyMatchesKeras() {
  // keras.losses.binary_crossentropy([1, 0], [2, -1], from_logits=True) = 0.22009484
  // (KerasReference.md §3); the op returns per-element values, their mean is the loss.
  let losses = Tensor.sigmoidCrossEntropy(logits: Tensor([2, -1]), targets: Tensor([1, 0]))
  expectClose([losses.mean().scalar], [0.22009484])
  // Extreme logits stay finite.
  #expect(
    Tensor.sigmoidCrossEntropy(logits: Tensor([100, -100]), targets: Tensor([1, 0])).isFinite)
  let z = randomTensor([2, 3], seed: 82) * 3
  let y = Tensor([[1, 0, 1], [0, 0.5, 1]])
  expectGradientsMatch(at: [z, y]) { p in Tensor.sigmoidCrossEntropy(logits: p[0], targets: p[1]) }
}

@Test func sparseCrossEntropyIsExactForSaturatedLogits() {
  // −log softmax(x)[label] = logsumexp(x) − x[label]. For logits scaled by 1e30 that is
  // 1e30 (to float precision); taking the log of the underflowed probability capped it at
  // −log(smallest normal float) ≈ 87.3.
  let logits = Tensor([[0, 1e30, -1e30], [1, 2, 3]])
  let sparse = Tensor.softmaxCrossEntropy(logits: logits, labels: Tensor([0, 2]))
  let dense = Tensor.softmaxCrossEntropy(logits: logits, targets: Tensor([[1, 0, 0], [0, 0, 1]]))
  #expect(sparse.scalars[0] == 1e30)
  #expect(sparse.scalars == dense.scalars)
  // log(e^-2 + e^-1 + 1) = 0.40760596 (NumPy, float64).
  #expect(abs(sparse.scalars[1] - 0.40760596) < 1e-6)
}
