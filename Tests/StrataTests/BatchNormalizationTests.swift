import Testing

@testable import Strata

@Test func batchNormalizationOverAnotherAxisWithItsArgumentsMatchesKeras() throws {
  // Keras 3.15.1 (JAX): x = (arange(48).reshape(8, 3, 2) % 7) / 5 − 0.4,
  // y = arange(8) % 3; BatchNormalization(axis=1, momentum=0.8, gamma_initializer=
  // Constant(1.5), beta_initializer=Constant(0.2), moving_variance_initializer=Constant(2),
  // gamma_regularizer=L2(0.1), beta_constraint=NonNeg()) → Flatten → Dense(1,
  // kernel_initializer=Constant(0.3)); SGD(0.1), "mse"; evaluate, fit(batch_size=4,
  // epochs=2, shuffle=False), evaluate; the four statistics of axis 1 (3 features) after.
  let model = Sequential {
    Input(shape: [3, 2])
    BatchNormalization(
      axis: 1, momentum: 0.8, betaInitializer: .constant(0.2), gammaInitializer: .constant(1.5),
      movingVarianceInitializer: .constant(2), gammaRegularizer: .l2(0.1),
      betaConstraint: .nonNeg)
    Flatten()
    Dense(units: 1, kernelInitializer: .constant(0.3))
  }
  let x = Tensor(shape: [8, 3, 2], scalars: (0..<48).map { Float($0 % 7) / 5 - 0.4 })
  let y = Tensor(shape: [8, 1], scalars: (0..<8).map { Float($0 % 3) })
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .meanSquaredError)
  expectClose([try model.evaluate(x, y, verbose: 0)["loss"]!], [1.3172719478607178])
  let history = try model.fit(x, y, epochs: 2, batchSize: 4, shuffle: false, verbose: 0)
  expectClose(history["loss"]!, [2.3197035789489746, 1.6105612516403198])
  expectClose([try model.evaluate(x, y, verbose: 0)["loss"]!], [0.9941162467002869])
  expectClose(
    model.layers[0].getWeights().flatMap(\.scalars),
    [
      1.271601676940918, 1.2583478689193726, 1.245084524154663, 0.43504828214645386,
      0.251469224691391, 0.3715919554233551, 0.0721600130200386, 0.12464001029729843,
      0.14268001914024353, 0.9016921520233154, 0.8741400837898254, 0.9134591221809387,
    ])
}

@Test func batchNormalizationRefusesTheBatchAxis() {
  for axis in [0, 3, -4] {
    let model = Sequential {
      Input(shape: [3, 2])
      BatchNormalization(axis: axis)
    }
    expectStrataError(.invalidArgument, containing: "`axis` must name a feature axis") {
      _ = try model.predict(Tensor.zeros([1, 3, 2]), verbose: 0)
    }
  }
}

@Test func batchNormalizationArgumentsRoundTrip() throws {
  try expectRoundTrip(
    BatchNormalization(
      axis: 1, momentum: 0.9, betaInitializer: .constant(0.1), gammaRegularizer: .l1(0.01),
      gammaConstraint: .maxNorm(2)), inputShape: [4, 2])
  // Keras writes `axis=[1]` for a list.
  #expect(try BatchNormalization(configuration: ["axis": [1]]).axis == 1)
}
