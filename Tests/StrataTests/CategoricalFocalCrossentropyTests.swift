import Testing

@testable import Strata

@Test func categoricalFocalCrossentropyMatchesKeras() throws {
  // Keras 3.15.1 (JAX): keras.losses.CategoricalFocalCrossentropy(…).call(y, p), per sample;
  // the loss of the defaults over the batch is 0.07387503236532211.
  let y = Tensor([[0, 1, 0], [0, 0, 1]])
  let p = Tensor([[0.05, 0.9, 0.05], [0.2, 0.5, 0.3]])
  expectClose(
    CategoricalFocalCrossentropy().values(target: y, prediction: p).scalars,
    [0.00026340148178860545, 0.14748665690422058])
  expectClose(
    CategoricalFocalCrossentropy(alpha: 0.5, gamma: 1, labelSmoothing: 0.2)
      .values(target: y, prediction: p).scalars, [0.19429534673690796, 0.41967588663101196])
  expectClose(
    CategoricalFocalCrossentropy(fromLogits: true)
      .values(target: y, prediction: Tensor([[2, -1, 0.5], [-3, 0.2, 4]])).scalars,
    [0.7481794953346252, 2.9787729545205366e-06])
  let model = Sequential {
    Input(shape: [3])
    Activation(.linear)
  }
  model.compile(optimizer: .sgd, loss: .categoricalFocalCrossentropy)
  expectClose([try model.evaluate(p, y, verbose: 0)["loss"]!], [0.07387503236532211])
  try expectRoundTrip(CategoricalFocalCrossentropy(alpha: 0.5, gamma: 1.5, fromLogits: true))
}
