import Testing

@testable import StrataTensor

/// Expects two lists of values to agree within `tolerance` (absolute, or relative for large values).
func expectClose(
  _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    actual.count == expected.count, "count \(actual.count) vs \(expected.count)",
    sourceLocation: sourceLocation)
  for (i, (a, e)) in zip(actual, expected).enumerated() {
    let scale = max(1, abs(e))
    #expect(
      abs(a - e) <= tolerance * scale, "index \(i): \(a) vs \(e)", sourceLocation: sourceLocation)
  }
}

/// Expects autodiff and finite differences to agree for `body` at `parameters`.
func expectGradientsMatch(
  at parameters: [Tensor], tolerance: Float = 2e-3, step: Float = 1e-2,
  sourceLocation: SourceLocation = #_sourceLocation, _ body: ([Tensor]) -> Tensor
) {
  let result = GradientCheck.check(at: parameters, step: step, of: body)
  #expect(result.maximumRelativeError < tolerance, "\(result)", sourceLocation: sourceLocation)
}

/// A reproducible random tensor with values in [-1, 1), away from 0 by at least 0.05 so
/// that kinks (ReLU, abs, max) are not straddled by finite differences.
func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
  var generator = RandomGenerator(seed: seed)
  let raw = Tensor.uniform(shape, lowerBound: -1, upperBound: 1, generator: &generator)
  return Tensor(shape: shape, scalars: raw.scalars.map { $0 >= 0 ? $0 + 0.05 : $0 - 0.05 })
}
