import Testing

@testable import StrataTensor

@Test func valueWithGradientOfAQuadratic() {
  // f(w) = Σ (w - 1)², f'(w) = 2(w - 1)
  let (value, grads) = valueWithGradient(at: [Tensor([0, 2, 3])]) { p in (p[0] - 1).square().sum() }
  #expect(value.scalar == 6)
  #expect(grads[0].scalars == [-2, 2, 4])
}

@Test func reusedValuesAccumulateGradients() {
  // f(x) = x·x + x, df/dx = 2x + 1, with x used three times.
  let g = gradient(at: [Tensor([3])]) { p in p[0] * p[0] + p[0] }
  #expect(g[0].scalars == [7])
}

@Test func unusedParametersGetZeroGradients() {
  let g = gradient(at: [Tensor([1, 2]), Tensor([[5]])]) { p in p[0].sum() }
  #expect(g[1].scalars == [0])
  #expect(g[1].shape == [1, 1])
}

@Test func constantsAreNotTraced() {
  let constant = Tensor([1, 2])
  #expect(!constant.isTraced)
  _ = valueWithGradient(at: [constant]) { p in
    #expect(p[0].isTraced)
    #expect(!p[0].detached.isTraced)
    return p[0].sum()
  }
}

@Test func detachedStopsTheGradient() {
  let g = gradient(at: [Tensor([2])]) { p in p[0] * p[0].detached }
  #expect(g[0].scalars == [2])
}

@Test func gradientCheckCatchesAWrongPullback() {
  // An op recorded with a deliberately wrong derivative (2x instead of 3x² for x³).
  let x = Tensor([1.5, -0.7])
  let result = GradientCheck.check(at: [x]) { p in
    Tensor.record(p[0].detached.pow(3), input: p[0]) { grad in grad * p[0].detached * 2 }
  }
  #expect(result.maximumRelativeError > 0.1)
  let correct = GradientCheck.check(at: [x]) { p in p[0].pow(3) }
  #expect(correct.maximumRelativeError < 1e-3)
}

@Test func tapeIsFreedAfterTheGradientIsComputed() {
  // Pullbacks must not keep their tape alive through a traced tensor (a reference cycle
  // leaked every training step's activations before the fused ops captured only counts).
  weak var tape: Tape?
  let x = Tensor([[1, 2]])
  let w = Tensor([[1], [2]])
  _ = valueWithGradient(at: [x, w]) { p in
    tape = p[0].trace?.tape
    return p[0].dense(kernel: p[1], bias: Tensor([0]), activation: .relu)
      .batchNormalized(gamma: nil, beta: nil, epsilon: 1e-3).output.sum()
  }
  #expect(tape == nil)
}
