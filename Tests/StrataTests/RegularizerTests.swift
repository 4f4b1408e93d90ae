import Testing

@testable import Strata

@Test func penaltiesFollowKerasFormulas() {
  let w = Tensor([[1, -2], [3, 0]])
  // l1 · Σ|w| = 0.1 · 6; l2 · Σw² = 0.01 · 14 (no ½ factor, as in Keras).
  expectClose([Regularizer.l1(0.1).penalty(w).scalar], [0.6])
  expectClose([Regularizer.l2(0.01).penalty(w).scalar], [0.14])
  expectClose([Regularizer.l1l2(l1: 0.1, l2: 0.01).penalty(w).scalar], [0.74])
  #expect(Regularizer.l1l2().penalty(w).scalar == 0)  // Keras's L1L2 defaults are 0 and 0
  #expect(Regularizer.l2() == Regularizer.l2(0.01))
}

@Test func penaltyIsPartOfTheTrainingLossAndItsGradient() throws {
  // With a zero data gradient (targets equal to the output), only the penalty moves the
  // kernel: w ← w − lr · 2 · l2 · w.
  let model = Sequential {
    Dense(
      units: 1, inputShape: [1], useBias: false, kernelInitializer: .constant(1),
      regularizer: .l2(0.5))
  }
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .meanSquaredError)
  let history = try model.fit(Tensor([[1]]), Tensor([[1]]), epochs: 1, verbose: 0)
  expectClose(model.getWeights()[0].scalars, [0.9])
  expectClose(history["loss"]!, [0.5])  // the logged loss includes the penalty, as in Keras
}

@Test func anL1PenaltyMovesAWeightAtExactlyZero() throws {
  // Keras 3.15.1 (JAX): Dense(1, kernel_initializer="zeros", bias_regularizer=L1(0.5)),
  // SGD(0.1), MSE, one batch of 4 zero inputs and targets: the loss gradient is 0, the L1
  // gradient at the zero bias is 0.5 · 1, so the bias becomes -0.05000000074505806.
  let model = Sequential {
    Dense(units: 1, inputShape: [2], kernelInitializer: .zeros, biasRegularizer: .l1(0.5))
  }
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .meanSquaredError)
  try model.fit(Tensor.zeros([4, 2]), Tensor.zeros([4, 1]), batchSize: 4, verbose: 0)
  #expect(model.getWeights() == [Tensor.zeros([2, 1]), Tensor([-0.05000000074505806])])
}
