import Testing

@testable import Strata

@Test func threeWaysToBuildAModel() throws {
  let block = Sequential {
    Dense(units: 16, inputShape: [2], activation: .relu)
    Dense(units: 1, activation: .sigmoid)
  }
  let array = Sequential([
    Dense(units: 16, inputShape: [2], activation: .relu), Dense(units: 1, activation: .sigmoid),
  ])
  let added = Sequential()
  added.add(Dense(units: 16, inputShape: [2], activation: .relu))
  added.add(Dense(units: 1, activation: .sigmoid))
  for model in [block, array, added] {
    #expect(model.isBuilt)
    #expect(model.layers.map(\.name) == ["dense", "dense_1"])
    #expect(model.getWeights().map(\.shape) == [[2, 16], [16], [16, 1], [1]])
  }
  // Same seed, same initial weights, whatever the form.
  #expect(block.getWeights() == array.getWeights())
  #expect(array.getWeights() == added.getWeights())
  #expect(
    Sequential(seed: 1) { Dense(units: 3, inputShape: [2]) }.getWeights() != block.getWeights())
}

@Test func namesFollowKerasWithinAModel() {
  let model = Sequential {
    Flatten(inputShape: [28, 28])
    Dense(units: 8)
    Dropout(rate: 0.2)
    Dense(units: 8)
    BatchNormalization()
    Activation(.relu)
    Dense(units: 10, activation: .softmax, name: "output")
  }
  #expect(
    model.layers.map(\.name) == [
      "flatten", "dense", "dropout", "dense_1", "batch_normalization", "activation", "output",
    ])
  #expect(model.outputShape == [10])
}

@Test func weightsComeInKerasOrder() throws {
  // KerasReference.md §7: Dense(8)→Dropout→BN→Dense(1) on 4 inputs gives
  // [(4,8),(8,),(8,),(8,),(8,),(8,),(8,1),(1,)] with BN as [gamma, beta, mean, variance].
  let model = Sequential {
    Dense(units: 8, inputShape: [4])
    Dropout(rate: 0.5)
    BatchNormalization()
    Dense(units: 1)
  }
  #expect(model.getWeights().map(\.shape) == [[4, 8], [8], [8], [8], [8], [8], [8, 1], [1]])
  #expect(model.trainableWeights.count == 6)
  #expect(model.nonTrainableWeights.map(\.name) == ["moving_mean", "moving_variance"])
}

@Test func lazyBuildingFromData() throws {
  let model = Sequential {
    Dense(units: 3)
    Dense(units: 2)
  }
  #expect(!model.isBuilt)
  #expect(model.getWeights().isEmpty)  // Keras: get_weights() on an unbuilt model is []
  let output = try model.predict(Tensor.ones([5, 4]))
  #expect(output.shape == [5, 2])
  #expect(model.isBuilt)
  #expect(model.inputShape == [4])
}

@Test func setWeightsChecksEverythingFirst() throws {
  let model = Sequential { Dense(units: 2, inputShape: [3]) }
  let before = model.getWeights()
  expectStrataError(.invalidArgument, containing: "length 1, but the model was expecting 2") {
    try model.setWeights([Tensor.zeros([3, 2])])
  }
  expectStrataError(.shapeMismatch, containing: "('dense/bias') has shape [2]") {
    try model.setWeights([Tensor.zeros([3, 2]), Tensor.zeros([3])])
  }
  expectStrataError(.invalidData, containing: "NaN") {
    try model.setWeights([Tensor.zeros([3, 2]), Tensor([.nan, 0])])
  }
  #expect(model.getWeights() == before)
  try model.setWeights([Tensor.ones([3, 2]), Tensor([1, 2])])
  #expect(try model(Tensor([[1, 1, 1]])).scalars == [4, 5])
}

@Test func emptyModelCannotBeBuilt() {
  let model = Sequential()
  expectStrataError(.invalidState, containing: "cannot be built because it has no layers") {
    _ = try model.predict(Tensor.ones([1, 2]))
  }
}

@Test func customLayerFromEngineOps() throws {
  // A user layer: a learned per-feature scale, no hand-written backward pass.
  final class Scale: Layer {
    var name = ""
    private(set) var factor: Weight?
    var weights: [Weight] { factor.map { [$0] } ?? [] }
    func build(inputShape: [Int], generator: inout RandomGenerator) throws {
      factor = Weight(name: "factor", value: Tensor.ones([inputShape.last!]))
    }
    func outputShape(forInputShape shape: [Int]) throws -> [Int] { shape }
    func call(_ input: Tensor, context: inout LayerContext) -> Tensor { input * context[factor!] }
  }
  let model = Sequential {
    Input(shape: [2])
    Scale()
  }
  #expect(model.layers.map(\.name) == ["scale"])
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .meanSquaredError)
  let x = Tensor([[1, 1], [2, 2]])
  try model.fit(x, x * Tensor([3, -1]), epochs: 200, batchSize: 2, verbose: 0)
  expectClose(model.getWeights()[0].scalars, [3, -1], tolerance: 1e-3)
}
