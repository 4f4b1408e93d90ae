import Testing

@testable import Strata

/// Expects two lists of values to agree within `tolerance`, relative for values above 1.
func expectClose(
  _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    actual.count == expected.count, "count \(actual.count) vs \(expected.count)",
    sourceLocation: sourceLocation)
  for (i, (a, e)) in zip(actual, expected).enumerated() {
    #expect(
      abs(a - e) <= tolerance * max(1, abs(e)), "index \(i): \(a) vs \(e)",
      sourceLocation: sourceLocation)
  }
}

/// The tiny problem of KerasReference.md §1: x = [[1,2],[3,4],[5,6]], y = [[1],[0],[1]],
/// `Dense(1, activation="sigmoid")` with kernel [[0.1],[-0.2]] and bias [0.05].
func kerasReferenceModel(regularizer: Regularizer? = nil) throws -> (Sequential, Tensor, Tensor) {
  let model = Sequential {
    Input(shape: [2])
    Dense(units: 1, activation: .sigmoid, regularizer: regularizer)
  }
  try model.setWeights([Tensor([[0.1], [-0.2]]), Tensor([0.05])])
  return (model, Tensor([[1, 2], [3, 4], [5, 6]]), Tensor([[1], [0], [1]]))
}

/// Expects `body` to throw a StrataError of `kind` whose message contains `fragment`.
func expectStrataError(
  _ kind: StrataError.Kind, containing fragment: String,
  sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
  do {
    try body()
    Issue.record(
      "expected a StrataError (\(kind)) containing \"\(fragment)\"", sourceLocation: sourceLocation)
  } catch let error as StrataError {
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
  } catch {
    Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
  }
}

/// Expects autodiff and finite differences to agree for `layer` (built for `input`'s sample
/// shape): the gradients of `Σ output²` with respect to the input and every weight, with a
/// time-step `mask` in the context if given.
func expectLayerGradientsMatch(
  _ layer: any Layer, input: Tensor, mask: Tensor? = nil, differentiateInput: Bool = true,
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  if !layer.isBuilt {
    var generator = RandomGenerator(seed: 9)
    try layer.build(inputShape: Array(input.shape.dropFirst()), generator: &generator)
  }
  let weights = layer.weights
  let parameters = (differentiateInput ? [input] : []) + weights.map(\.value)
  let result = GradientCheck.check(at: parameters, step: 1e-2) { p in
    var context = LayerContext(isTraining: false, mask: mask)
    let offset = differentiateInput ? 1 : 0
    for (k, weight) in weights.enumerated() {
      context.substitutes[ObjectIdentifier(weight)] = p[k + offset]
    }
    let x = differentiateInput ? p[0] : input
    return (try? layer.call(x, context: &context).square().sum()) ?? Tensor(.nan)
  }
  #expect(result.maximumRelativeError < 3e-3, "\(result)", sourceLocation: sourceLocation)
}

/// The weights the Keras reference scripts set: weight `i` of `shapes` is NumPy's
/// `linspace(-0.5, 0.5, size).reshape(shape).astype("float32")`, times `oddFactor` for odd `i`
/// (in float32, as NumPy multiplies a float32 array by a Python float).
func linspaceWeights(_ shapes: [[Int]], oddFactor: Float = 1) -> [Tensor] {
  shapes.enumerated().map { index, shape in
    let count = shape.reduce(1, *)
    let scalars = (0..<count).map { i in
      let value = Float(-0.5 + Double(i) * (count > 1 ? 1 / Double(count - 1) : 0))
      return index % 2 == 0 ? value : value * oddFactor
    }
    return Tensor(shape: shape, scalars: scalars)
  }
}
