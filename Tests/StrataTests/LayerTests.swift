import Testing

@testable import Strata

@Test func denseComputesActivationOfAffine() throws {
  let layer = Dense(units: 2, inputShape: [3], activation: .relu)
  let model = Sequential { layer }
  try model.setWeights([Tensor([[1, -1], [0, 2], [1, 0]]), Tensor([0.5, -0.5])])
  // [1, 2, 3]·W + b = [1 + 3 + 0.5, -1 + 4 - 0.5] = [4.5, 2.5]; [-1, 0, 0] → [-0.5, 0.5] → relu
  #expect(try model(Tensor([[1, 2, 3], [-1, 0, 0]])).scalars == [4.5, 2.5, 0, 0.5])
  // Rank-3 inputs: the product is over the last axis (Keras).
  #expect(try Sequential { Dense(units: 4) }.predict(Tensor.ones([2, 5, 3])).shape == [2, 5, 4])
  #expect(layer.parameterCount == 8)
}

@Test func denseGradientThroughTheLayer() throws {
  let layer = Dense(units: 3, activation: .tanh)
  var generator = RandomGenerator(seed: 5)
  try layer.build(inputShape: [4], generator: &generator)
  let x = Tensor.normal([2, 4], generator: &generator)
  let result = GradientCheck.check(at: [x, layer.kernel!.value, layer.bias!.value]) { p in
    var context = LayerContext(isTraining: true)
    context.substitutes[ObjectIdentifier(layer.kernel!)] = p[1]
    context.substitutes[ObjectIdentifier(layer.bias!)] = p[2]
    return (try? layer.call(p[0], context: &context).square()) ?? Tensor(.nan)
  }
  #expect(result.maximumRelativeError < 2e-3)
}

@Test func dropoutIsInvertedAndOnlyInTraining() throws {
  let layer = Dropout(rate: 0.25, seed: 1)
  let x = Tensor.ones([100, 100])
  #expect(try layer(x, training: false) == x)
  let dropped = try layer(x, training: true)
  let kept = dropped.scalars.filter { $0 != 0 }
  // Survivors are scaled by 1 / (1 − 0.25); about 75% survive.
  #expect(kept.allSatisfy { abs($0 - 1 / 0.75) < 1e-6 })
  #expect(abs(Float(kept.count) / 10_000 - 0.75) < 0.02)
  #expect(try Dropout(rate: 1)(x, training: true).scalars.allSatisfy { $0 == 0 })
  #expect(try Dropout(rate: 0)(x, training: true) == x)
}

@Test func batchNormalizationMatchesKeras() throws {
  // KerasReference.md §4, input [[1,2],[3,6],[5,10]]: training output, moving statistics
  // [0.03, 0.06] / [1.0166667, 1.0966667] after one step, then the inference output.
  let layer = BatchNormalization()
  let model = Sequential {
    Input(shape: [2])
    layer
  }
  let x = Tensor([[1, 2], [3, 6], [5, 10]])
  let training = try model(x, training: true)
  expectClose(training.scalars, [-1.2245152, -1.2246873, 0, 0, 1.2245154, 1.2246875])
  expectClose(layer.movingMean!.value.scalars, [0.03, 0.06])
  expectClose(layer.movingVariance!.value.scalars, [1.0166667, 1.0966667])
  let inference = try model(x)
  expectClose(
    inference.scalars, [0.9615435, 1.8516823, 2.9441075, 5.6695838, 4.9266715, 9.4874859])
}

@Test func batchNormalizationStatisticsMoveOnlyAfterASuccessfulStep() throws {
  let model = Sequential {
    Dense(units: 3, inputShape: [2])
    BatchNormalization()
    Dense(units: 1)
  }
  model.compile(optimizer: .sgd, loss: .meanSquaredError)
  let before = model.getWeights()
  // A bad target shape throws before anything changes, moving statistics included.
  expectStrataError(.shapeMismatch, containing: "expects targets") {
    try model.fit(Tensor.ones([4, 2]), Tensor.ones([4, 2]), verbose: 0)
  }
  #expect(model.getWeights() == before)
  try model.fit(Tensor([[1, 2], [3, 4], [5, 7], [0, 1]]), Tensor.ones([4, 1]), verbose: 0)
  #expect(model.getWeights()[4] != before[4])  // moving_mean moved
}

@Test func flattenAndActivationLayers() throws {
  let model = Sequential {
    Flatten(inputShape: [2, 3])
    Activation(.relu)
  }
  let x = Tensor(shape: [2, 2, 3], scalars: (0..<12).map { Float($0) - 6 })
  let y = try model(x)
  #expect(y.shape == [2, 6])
  #expect(y.scalars == (0..<12).map { max(Float($0) - 6, 0) })
  // Keras: a (batch,) input flattens to (batch, 1).
  #expect(try Flatten().outputShape(forInputShape: []) == [1])
}

@Test func activationFunctionsMatchKeras() {
  let x = Tensor([[-1, 0, 1]])
  expectClose(ActivationFunction.elu(x).scalars, [-0.63212055, 0, 1])
  expectClose(ActivationFunction.leakyRelu(alpha: 0.3)(x).scalars, [-0.3, 0, 1])
  expectClose(ActivationFunction.softmax(x).scalars, [0.09003057, 0.24472847, 0.66524096])
  expectClose(ActivationFunction.gelu(Tensor([1])).scalars, [0.8413447])
  let cube = ActivationFunction.custom(name: "cube") { $0 * $0 * $0 }
  #expect(cube(Tensor([2])).scalars == [8])
  #expect(cube.name == "cube")
}

@Test func callingAnUnbuiltLayerBuildsItAsKerasDoes() throws {
  // `Dense(units: 4)(x)` hit a preconditionFailure before: `callAsFunction` never built.
  let dense = Dense(units: 4, activation: .relu)
  let x = Tensor.ones([2, 3])
  #expect(try dense(x).shape == [2, 4])
  #expect(dense.kernel?.shape == [3, 4])
  // Built, it checks its input, and bad arguments surface as errors, not traps.
  expectStrataError(.shapeMismatch, containing: "expected axis -1 of input shape to have value 3") {
    _ = try dense(Tensor.ones([2, 5]))
  }
  expectStrataError(.invalidArgument, containing: "units=0") { _ = try Dense(units: 0)(x) }
  expectStrataError(.shapeMismatch, containing: "received a scalar") { _ = try dense(Tensor(1)) }
  // `call` on an unbuilt layer throws instead of trapping.
  var context = LayerContext(isTraining: false)
  expectStrataError(.invalidState, containing: "called before it was built") {
    _ = try Dense(units: 2).call(x, context: &context)
  }
  // In training mode, BatchNormalization's moving statistics move (KerasReference.md §4).
  let norm = BatchNormalization()
  _ = try norm(Tensor([[1, 2], [3, 6], [5, 10]]), training: true)
  expectClose(norm.movingMean!.value.scalars, [0.03, 0.06])
}

@Test func layersRoundTripThroughAModelFile() throws {
  try expectRoundTrip(
    Dense(
      units: 3, activation: .leakyRelu(alpha: 0.1), useBias: false, kernelInitializer: .heUniform,
      regularizer: .l1l2(l1: 0.01, l2: 0.02)), inputShape: [4])
  try expectRoundTrip(
    Dense(units: 2, biasInitializer: .constant(0.5), biasRegularizer: .l2(0.1)), inputShape: [3])
  try expectRoundTrip(Dropout(rate: 0.3, seed: 9), inputShape: [4])
  try expectRoundTrip(
    BatchNormalization(momentum: 0.9, epsilon: 0.01, center: false), inputShape: [4])
  try expectRoundTrip(Flatten(), inputShape: [2, 2])
  try expectRoundTrip(Activation(.gelu(approximate: true)), inputShape: [4])
  try expectRoundTrip(Input(shape: [4]), inputShape: [4])
}

@Test func automaticNamesFollowKerasSnakeCase() {
  // keras.src.utils.naming.to_snake_case of each class name.
  let expected = [
    "BatchNormalization": "batch_normalization", "Conv2D": "conv2d",
    "MaxPooling2D": "max_pooling2d", "Conv2DTranspose": "conv2d_transpose",
    "GlobalAveragePooling1D": "global_average_pooling1d", "UpSampling2D": "up_sampling2d",
    "ZeroPadding2D": "zero_padding2d", "SpatialDropout2D": "spatial_dropout2d", "Dense": "dense",
  ]
  for (name, snake) in expected { #expect(snakeCase(name) == snake, "\(name)") }
}

@Test func batchNormalizationOnImagesNormalisesPerChannel() throws {
  // Keras's axis=-1 on [batch, h, w, c]: statistics over batch, height and width.
  let layer = BatchNormalization(momentum: 0)
  var generator = RandomGenerator(seed: 3)
  let x = Tensor.normal([4, 3, 3, 2], mean: 5, standardDeviation: 2, generator: &generator)
  let y = try layer(x, training: true)
  let perChannel = y.reshaped(to: [-1, 2])
  expectClose(perChannel.mean(alongAxes: [0]).scalars, [0, 0], tolerance: 1e-5)
  // momentum 0: the moving statistics are the batch's own, one per channel.
  expectClose(
    layer.movingMean!.value.scalars, x.reshaped(to: [-1, 2]).mean(alongAxes: [0]).scalars)
  #expect(layer.movingVariance!.shape == [2])
}

@Test func layersGiveAndTakeTheirOwnWeights() throws {
  let model = Sequential {
    Input(shape: [3])
    Dense(units: 2, name: "hidden")
    Dense(units: 1)
  }
  _ = try model.predict(Tensor.ones([1, 3]))
  let hidden = try model.layer(named: "hidden")
  #expect(hidden === model.layers[0])
  #expect(hidden.getWeights().map(\.shape) == [[3, 2], [2]])
  try model.layers[0].setWeights([Tensor.ones([3, 2]), Tensor([0.5, -0.5])])
  #expect(model.getWeights()[1].scalars == [0.5, -0.5])
  expectStrataError(.shapeMismatch, containing: "Weight 0 ('hidden/kernel') has shape [3, 2]") {
    try hidden.setWeights([Tensor.ones([2, 2]), Tensor([0, 0])])
  }
  expectStrataError(
    .invalidArgument, containing: "on layer 'hidden' with a weight list of length 1"
  ) {
    try hidden.setWeights([Tensor.ones([3, 2])])
  }
  #expect(model.getWeights()[1].scalars == [0.5, -0.5])
  expectStrataError(
    .invalidArgument, containing: "No such layer: output. Existing layers are: hidden, dense"
  ) {
    _ = try model.layer(named: "output")
  }
}
