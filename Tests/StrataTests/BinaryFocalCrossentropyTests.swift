import Testing

@testable import Strata

@Test func binaryFocalCrossentropyMatchesKeras() throws {
  // Keras 3.15.1 (JAX): keras.losses.BinaryFocalCrossentropy(…).call(y, p), per sample.
  let y = Tensor([[1, 0, 1], [0, 1, 0]])
  let p = Tensor([[0.9, 0.2, 0.4], [0.3, 0.6, 1.0]])
  let logits = Tensor([[2, -1, 0.5], [-3, 0.2, 4]])
  expectClose(
    BinaryFocalCrossentropy().values(target: y, prediction: p).scalars,
    [0.11328133195638657, 5.352072715759277])
  // apply_class_balancing=True, alpha=0.3, gamma=1.5, label_smoothing=0.1.
  expectClose(
    BinaryFocalCrossentropy(applyClassBalancing: true, alpha: 0.3, gamma: 1.5, labelSmoothing: 0.1)
      .values(target: y, prediction: p).scalars, [0.051828183233737946, 3.2099483013153076])
  expectClose(
    BinaryFocalCrossentropy(fromLogits: true).values(target: y, prediction: logits).scalars,
    [0.030678365379571915, 1.332075834274292])
  try expectRoundTrip(
    BinaryFocalCrossentropy(applyClassBalancing: true, alpha: 0.4, gamma: 3, labelSmoothing: 0.05))
}
