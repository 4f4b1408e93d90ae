import Testing

@testable import Strata

@Test func predictFusesAConvolutionWithItsPoolingAndGivesTheLayersBits() throws {
  // The ch. 8 convnet: in inference each Conv2D + MaxPooling2D pair runs as one op. Its
  // predictions are the bits of calling the layers one by one (no fusion there), and
  // evaluate's loss is the same as well.
  let model = Sequential(seed: 3) {
    Input(shape: [28, 28, 1])
    Conv2D(filters: 32, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Conv2D(filters: 64, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Conv2D(filters: 16, kernelSize: 3, padding: .same)
    MaxPooling2D(poolSize: 3, strides: 2, padding: .same)
    Flatten()
    Dense(units: 10, activation: .softmax)
  }
  model.compile(optimizer: .rmsprop, loss: .sparseCategoricalCrossentropy)
  var generator = RandomGenerator(seed: 11)
  let x = Tensor.uniform([7, 28, 28, 1], generator: &generator)
  let predicted = try model.predict(x)
  var layered = x
  for layer in model.layers { layered = try layer(layered) }
  #expect(predicted.scalars == layered.scalars)
  // The pairs do fuse (a convolution before a dense layer does not).
  var context = LayerContext(isTraining: false)
  let conv = try #require(model.layers[0] as? any InferenceFusing)
  let pooled = try conv.callFused(x, followedBy: model.layers[1], context: &context)
  #expect(pooled?.scalars == (try model.layers[1](model.layers[0](x))).scalars)
  #expect(try conv.callFused(x, followedBy: model.layers[7], context: &context) == nil)
  // A pair whose activation the single pass does not take (sigmoid) runs as the two ops.
  let sigmoid = Sequential(seed: 4) {
    Input(shape: [10, 10, 2])
    Conv2D(filters: 4, kernelSize: 3, activation: .sigmoid)
    MaxPooling2D(poolSize: 2)
  }
  let y = Tensor.uniform([3, 10, 10, 2], generator: &generator)
  var sigmoidLayered = y
  for layer in sigmoid.layers { sigmoidLayered = try layer(sigmoidLayered) }
  #expect(try sigmoid.predict(y).scalars == sigmoidLayered.scalars)
}

@Test func trainingNeverFusesSoTheGradientReachesTheConvolution() throws {
  // fit runs the layers one by one: the convolution's kernel moves.
  let model = Sequential(seed: 5) {
    Input(shape: [6, 6, 1])
    Conv2D(filters: 2, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Flatten()
    Dense(units: 2, activation: .softmax)
  }
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .sparseCategoricalCrossentropy)
  var generator = RandomGenerator(seed: 6)
  let x = Tensor.uniform([8, 6, 6, 1], generator: &generator)
  let labels = Tensor(shape: [8], scalars: [0, 1, 0, 1, 1, 0, 1, 0])
  let before = model.layers[0].getWeights()[0]
  try model.fit(x, labels, epochs: 1, batchSize: 8, verbose: 0)
  #expect(model.layers[0].getWeights()[0].scalars != before.scalars)
}
