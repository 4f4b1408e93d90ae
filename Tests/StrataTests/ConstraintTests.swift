import Testing

@testable import Strata

@Test func constraintsProjectAsKeras() throws {
  // Keras 3.15.1 (JAX): keras.constraints.<name>(…)(w) for this w.
  let w = Tensor([[3, -1, 0.5], [4, 2, -0.5]])
  let cases: [(Constraint, [Float])] = [
    (
      .maxNorm(2),
      [1.2000000477, -0.8944271803, 0.4999999106, 1.6000000238, 1.7888543606, -0.4999999106]
    ),
    (
      .maxNorm(1, axes: [1]),
      [0.9370425940, -0.3123475313, 0.1561737657, 0.8888888956, 0.4444444478, -0.1111111119]
    ),
    (.nonNeg, [3, 0, 0.5, 4, 2, 0]),
    (
      .unitNorm(),
      [0.6000000238, -0.4472135902, 0.7071066499, 0.8000000119, 0.8944271803, -0.7071066499]
    ),
    (
      .unitNorm(axes: [0, 1]),
      [0.5432145000, -0.1810715050, 0.0905357525, 0.7242860198, 0.3621430099, -0.0905357525]
    ),
    (
      .minMaxNorm(min: 1, max: 2, rate: 0.5),
      [2.0999999046, -0.9472135305, 0.6035532951, 2.7999999523, 1.8944270611, -0.6035532951]
    ),
  ]
  for (constraint, expected) in cases {
    expectClose(constraint.applied(to: w).scalars, expected, tolerance: 1e-6)
    // Saved as Keras saves it, and read back.
    #expect(try Constraint(configurationValue: constraint.configurationValue) == constraint)
  }
  #expect(try Constraint(configurationValue: .string("non_neg")) == .nonNeg)
  expectStrataError(
    .invalidArgument, containing: "Could not interpret constraint identifier: Radial"
  ) {
    _ = try Constraint(configurationValue: .string("Radial"))
  }
}

@Test func constrainedDenseTrainsAsKeras() throws {
  // Keras 3.15.1 (JAX): Dense(3, kernel_constraint=MaxNorm(0.3), bias_constraint=NonNeg()),
  // kernel [[0.1, -0.2, 0.3], [0.4, 0.2, -0.1]], bias [0.05, 0, -0.02], SGD(0.5), MSE,
  // fit(x, y, epochs=2, batch_size=3, shuffle=False) on the data below.
  let model = Sequential {
    Input(shape: [2])
    Dense(units: 3, kernelConstraint: .maxNorm(0.3), biasConstraint: .nonNeg)
  }
  try model.setWeights([Tensor([[0.1, -0.2, 0.3], [0.4, 0.2, -0.1]]), Tensor([0.05, 0, -0.02])])
  model.compile(optimizer: .sgd(learningRate: 0.5), loss: .meanSquaredError)
  try model.fit(
    Tensor([[1, 2], [3, 4], [5, 6]]), Tensor([[1, 0, 1], [0, 1, 0], [1, 1, 0]]), epochs: 2,
    batchSize: 3, shuffle: false, verbose: 0)
  let weights = model.getWeights()
  expectClose(
    weights[0].scalars,
    [0.18275879, -0.19382478, 0.18946795, 0.23790593, -0.22898026, 0.23259817], tolerance: 1e-6)
  expectClose(weights[1].scalars, [0.71951306, 0, 0.58837783], tolerance: 1e-6)
  try expectRoundTrip(
    Dense(units: 2, kernelConstraint: .unitNorm(), biasConstraint: .maxNorm(1)), inputShape: [3])
}

@Test func convolutionsTakeConstraints() throws {
  // Keras's advice for Conv2D: axis [0, 1, 2], one norm per filter over its window and inputs.
  let layer = Conv2D(filters: 2, kernelSize: 2, kernelConstraint: .maxNorm(0.5, axes: [0, 1, 2]))
  let model = Sequential {
    Input(shape: [4, 4, 1])
    layer
    Flatten()
  }
  model.compile(optimizer: .sgd(learningRate: 1), loss: .meanSquaredError)
  var generator = RandomGenerator(seed: 3)
  let x = Tensor.normal([4, 4, 4, 1], generator: &generator)
  try model.fit(x, Tensor.ones([4, 18]) * 5, epochs: 1, batchSize: 4, verbose: 0)
  let kernel = try #require(layer.kernel).value
  let norms = kernel.square().sum(alongAxes: [0, 1, 2]).sqrt().scalars
  #expect(norms.allSatisfy { $0 <= 0.5 + 1e-6 }, "\(norms)")
  try expectRoundTrip(
    Conv2D(
      filters: 2, kernelSize: 2, kernelConstraint: .unitNorm(axes: [0, 1, 2]),
      biasConstraint: .nonNeg),
    inputShape: [3, 3, 1])
  try expectRoundTrip(
    Conv1D(filters: 2, kernelSize: 2, kernelConstraint: .minMaxNorm(min: 0.1, max: 0.9)),
    inputShape: [5, 2])
}
