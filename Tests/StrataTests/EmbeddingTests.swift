import Testing

@testable import Strata

@Test func embeddingLooksUpRowsAndMasksPadding() throws {
  let layer = Embedding(inputDim: 4, outputDim: 2, maskZero: true)
  let ids = Tensor([[1, 3, 0], [2, 0, 0]])
  _ = try layer(ids)
  layer.embeddings!.value = Tensor([[0, 0], [1, 2], [3, 4], [5, 6]])
  let output = try layer(ids)
  #expect(output.shape == [2, 3, 2])
  #expect(output.scalars == [1, 2, 5, 6, 0, 0, 3, 4, 0, 0, 0, 0])
  var context = LayerContext(isTraining: false)
  _ = try layer.call(ids, context: &context)
  #expect(context.mask?.scalars == [1, 1, 0, 1, 0, 0])
  // Without maskZero no mask is set.
  var plain = LayerContext(isTraining: false)
  let unmasked = Embedding(inputDim: 4, outputDim: 2)
  _ = try unmasked(ids)
  _ = try unmasked.call(ids, context: &plain)
  #expect(plain.mask == nil)
}

@Test func embeddingGradientGoesToTheRowsLookedUp() throws {
  let layer = Embedding(inputDim: 5, outputDim: 3)
  try expectLayerGradientsMatch(
    layer, input: Tensor([[1, 3, 1], [4, 0, 2]]), differentiateInput: false)
}

@Test func embeddingRejectsIdsOutsideItsTable() throws {
  let layer = Embedding(inputDim: 4, outputDim: 2)
  expectStrataError(.invalidData, containing: "id 4.0 at position 2") {
    _ = try layer(Tensor([[1, 2, 4]]))
  }
  expectStrataError(.invalidData, containing: "id 1.5") { _ = try layer(Tensor([[1.5]])) }
  expectStrataError(.invalidData, containing: "id -1.0") { _ = try layer(Tensor([[-1]])) }
  expectStrataError(.invalidArgument, containing: "should be positive") {
    _ = try Embedding(inputDim: 0, outputDim: 2).outputShape(forInputShape: [3])
  }
}

@Test func embeddingRoundTrips() throws {
  try expectRoundTrip(
    Embedding(inputDim: 6, outputDim: 3, maskZero: true), inputShape: [4],
    input: Tensor([[1, 2, 3, 0], [5, 4, 0, 0], [1, 1, 1, 1], [2, 0, 0, 0], [3, 3, 0, 0]]))
}
