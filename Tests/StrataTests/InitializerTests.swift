import Testing

@testable import Strata

@Test func varianceScalingInitializersHaveKerasLimits() throws {
  var generator = RandomGenerator(seed: 3)
  // glorot_uniform on (300, 200): U(±sqrt(6 / 500)) = ±0.10954451.
  let glorot = try Initializer.glorotUniform([300, 200], generator: &generator)
  let limit: Float = (6.0 / 500.0).squareRoot()
  #expect(glorot.scalars.allSatisfy { abs($0) <= limit })
  #expect(glorot.scalars.contains { abs($0) > 0.9 * limit })
  // he_normal on fan_in 300: truncated at 2σ of σ = sqrt(2/300)/0.8796 → |w| ≤ 0.18566.
  let he = try Initializer.heNormal([300, 200], generator: &generator)
  let sigma: Float = (2.0 / 300.0).squareRoot() / 0.87962566
  #expect(he.scalars.allSatisfy { abs($0) <= 2 * sigma + 1e-6 })
  // The truncation makes the realised standard deviation sqrt(2/300).
  let realised = he.square().mean().scalar.squareRoot()
  #expect(abs(realised - (2.0 / 300.0).squareRoot()) < 0.002)
  let lecun = try Initializer.lecunNormal([400, 10], generator: &generator)
  #expect(abs(lecun.square().mean().scalar.squareRoot() - (1.0 / 400.0).squareRoot()) < 0.002)
  let books = try Initializer.randomNormal(mean: 0, stddev: 0.01)(
    [100, 100], generator: &generator)
  #expect(abs(books.square().mean().scalar.squareRoot() - 0.01) < 0.0005)
  #expect(try Initializer.zeros([2], generator: &generator).scalars == [0, 0])
  #expect(try Initializer.ones([2], generator: &generator).scalars == [1, 1])
  #expect(try Initializer.constant(3)([2], generator: &generator).scalars == [3, 3])
}

@Test func fansFollowKeras() {
  #expect(Initializer.fans([3, 5]) == (3, 5))
  #expect(Initializer.fans([7]) == (7, 7))
  // A conv kernel (kh, kw, cin, cout) = (3, 3, 4, 8): receptive field 9.
  #expect(Initializer.fans([3, 3, 4, 8]) == (36, 72))
}

@Test func modelSeedMakesInitialWeightsReproducible() {
  func make(_ seed: UInt64) -> [Tensor] {
    Sequential(seed: seed) {
      Dense(units: 4, inputShape: [3])
      Dense(units: 2)
    }.getWeights()
  }
  #expect(make(5) == make(5))
  #expect(make(5) != make(6))
}

@Test func aValuesInitializerOfAnotherShapeThrowsWhenBuilding() throws {
  // It trapped in a precondition before.
  let model = Sequential {
    Dense(units: 2, kernelInitializer: .values(Tensor([[1, 2], [3, 4]])))
  }
  expectStrataError(.shapeMismatch, containing: "has shape [3, 2]") {
    try model.build(inputShape: [3])
  }
  #expect(!model.isBuilt)
  try model.build(inputShape: [2])
  #expect(model.getWeights()[0] == Tensor([[1, 2], [3, 4]]))
}

@Test func orthogonalInitializerGivesOrthonormalColumnsOrRows() throws {
  var generator = RandomGenerator(seed: 3)
  // Tall [40, 16]: QᵀQ = I (16 × 16). Wide [16, 64] (an LSTM(16)'s recurrent kernel): QQᵀ = I.
  for (shape, gain) in [([40, 16], Float(1)), ([16, 64], 1), ([6, 6], 2)] {
    let q = try Initializer.orthogonal(gain: gain)(shape, generator: &generator)
    #expect(q.shape == shape)
    let gram = shape[0] >= shape[1] ? q.transposed().matmul(q) : q.matmul(q.transposed())
    let size = Swift.min(shape[0], shape[1])
    let identity = Tensor.eye(size) * (gain * gain)
    expectClose(gram.scalars, identity.scalars, tolerance: 1e-5)
  }
  // Keras's name and class name rebuild it.
  let restored = try Initializer(
    configurationValue: Initializer.orthogonal(gain: 0.5).configurationValue)
  #expect(restored == .orthogonal(gain: 0.5))
  #expect(Registry.initializerNames.contains("orthogonal"))
  expectStrataError(.invalidArgument, containing: "rank 2 or more") {
    _ = try Initializer.orthogonal([5], generator: &generator)
  }
}
