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

@Test func activityRegularizersPenaliseTheOutputsAsKerasDoes() throws {
  // Keras 3.15.1 (JAX): Dense(4, relu, activity_regularizer=L2(0.05)) → Dense(3, softmax,
  // activity_regularizer=L1(0.1)); each weight linspace(-0.5, 0.5, size) reshaped; SGD(0.1),
  // sparse CE; x = arange(24).reshape(8, 3) / 10 − 1, y = [0, 1, 2, 1, 0, 2, 1, 0];
  // evaluate, then fit(batch_size=3, epochs=2, shuffle=False), evaluate and get_weights().
  // The penalties are divided by the batch size, and the softmax's is taken of its
  // probabilities although the loss trains on its logits.
  let model = Sequential {
    Input(shape: [3])
    Dense(units: 4, activation: .relu, activityRegularizer: .l2(0.05))
    Dense(units: 3, activation: .softmax, activityRegularizer: .l1(0.1))
  }
  try model.setWeights(linspaceWeights([[3, 4], [4], [4, 3], [3]]))
  let x = Tensor(shape: [8, 3], scalars: (0..<24).map { Float($0) / 10 - 1 })
  let y = Tensor([0, 1, 2, 1, 0, 2, 1, 0])
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .sparseCategoricalCrossentropy)
  expectClose([try model.evaluate(x, y, verbose: 0)["loss"]!], [1.4104443788528442])
  let history = try model.fit(x, y, epochs: 2, batchSize: 3, shuffle: false, verbose: 0)
  expectClose(history["loss"]!, [1.396024465560913, 1.3366109132766724])
  expectClose([try model.evaluate(x, y, verbose: 0)["loss"]!], [1.3032325506210327])
  expectClose(
    model.getWeights().flatMap(\.scalars),
    [
      -0.5, -0.40104585886001587, -0.32990214228630066, -0.24819152057170868,
      -0.13636364042758942, -0.038214001804590225, 0.029943717643618584, 0.10987451672554016,
      0.22727273404598236, 0.324617862701416, 0.3897895812988281, 0.4679405689239502, -0.5,
      -0.17471171915531158, 0.12876147031784058, 0.44429680705070496, -0.5,
      -0.40909090638160706, -0.3181818127632141, -0.2260984480381012, -0.13681094348430634,
      -0.04618150740861893, 0.08029744774103165, 0.14681963622570038, 0.18197381496429443,
      0.4067067503929138, 0.43496066331863403, 0.3856052756309509, -0.37711966037750244,
      0.04539582505822182, 0.3317238390445709,
    ])
  try expectRoundTrip(
    Dense(units: 2, activityRegularizer: .l1l2(l1: 0.01, l2: 0.02)), inputShape: [3])
}
