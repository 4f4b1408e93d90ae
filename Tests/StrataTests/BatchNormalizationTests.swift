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

@Test func batchNormalizationLeavesMaskedStepsOutOfItsStatistics() throws {
  // Keras 3.15.1 (JAX): Embedding(4, 3, mask_zero=True) → BatchNormalization(momentum=0.5)
  // → SimpleRNN(2) → Dense(1); weight i = linspace(-0.5, 0.5, size) reshaped, times -0.7
  // for odd i, except gamma [1.2, 0.8, 1.1], beta [0.1, -0.1, 0.05] and the statistics 0 and
  // 1; SGD(0.1), "mse", fit(batch_size=3, epochs=2, shuffle=False), evaluate; the four
  // statistics after. With the padded steps counted the moving mean would differ.
  let model = Sequential {
    Input(shape: [4])
    Embedding(inputDim: 4, outputDim: 3, maskZero: true)
    BatchNormalization(momentum: 0.5)
    SimpleRNN(units: 2)
    Dense(units: 1)
  }
  let shapes = [[4, 3], [3], [3], [3], [3], [3, 2], [2, 2], [2], [2, 1], [1]]
  var values = linspaceWeights(shapes, oddFactor: -0.7)
  values[1] = Tensor([1.2, 0.8, 1.1])
  values[2] = Tensor([0.1, -0.1, 0.05])
  values[3] = Tensor.zeros([3])
  values[4] = Tensor.ones([3])
  try model.setWeights(values)
  let x = Tensor([[1, 2, 3, 0], [2, 3, 0, 0], [3, 1, 2, 1]])
  let y = Tensor([[0.5], [-0.2], [1.0]])
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .meanSquaredError)
  let history = try model.fit(x, y, epochs: 2, batchSize: 3, shuffle: false, verbose: 0)
  expectClose(history["loss"]!, [0.3436400592327118, 0.1817682981491089])
  expectClose([try model.evaluate(x, y, verbose: 0)["loss"]!], [0.2015722543001175])
  expectClose(
    model.layers[1].getWeights().flatMap(\.scalars),
    [
      1.2047760486602783, 0.8044229745864868, 1.1049622297286987, 0.09530644118785858,
      -0.11014595627784729, 0.03457225114107132, 0.034090906381607056, 0.10227272659540176,
      0.17045454680919647, 0.2875743806362152, 0.28721919655799866, 0.28724363446235657,
    ])
}
