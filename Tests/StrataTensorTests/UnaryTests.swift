import Foundation
import Testing

@testable import StrataTensor

@Test func unaryValues() {
  let x = Tensor([1, 4, 9])
  expectClose(x.sqrt().scalars, [1, 2, 3])
  expectClose(x.log().scalars, [0, 1.3862944, 2.1972246])  // np.log([1, 4, 9])
  expectClose(Tensor([0, 1]).exp().scalars, [1, 2.7182817])
  #expect(Tensor([-2, 3]).square().scalars == [4, 9])
  expectClose(Tensor([2, 3]).pow(3).scalars, [8, 27])
  #expect(Tensor([-2, 0, 3]).abs().scalars == [2, 0, 3])
  #expect(Tensor([-2, 0, 3]).sign().scalars == [-1, 0, 1])
  #expect(Tensor([-2, 0.5, 3]).clipped(lowerBound: 0, upperBound: 1).scalars == [0, 0.5, 1])
}

/// Each unary op alone, so that a wrong gradient in one cannot hide behind the others. The
/// domain-restricted ops (log, sqrt, pow 1.5) get inputs in [0.55, 1.55).
let unaryOps: [(String, Bool, @Sendable (Tensor) -> Tensor)] = [
  ("log", true, { $0.log() }), ("sqrt", true, { $0.sqrt() }), ("pow", true, { $0.pow(1.5) }),
  ("exp", false, { $0.exp() }), ("square", false, { $0.square() }), ("abs", false, { $0.abs() }),
  ("clipped", false, { $0.clipped(lowerBound: -0.5, upperBound: 0.5) }),
]

@Test(arguments: unaryOps.indices)
func unaryGradient(index: Int) {
  let (name, positiveOnly, op) = unaryOps[index]
  let x = positiveOnly ? randomTensor([2, 3], seed: 5).abs() + 0.5 : randomTensor([2, 3], seed: 6)
  let result = GradientCheck.check(at: [x]) { p in op(p[0]) }
  #expect(result.maximumRelativeError < 2e-3, "\(name): \(result)")
}

@Test func vectorisedLogStaysWithinTwoUlpsOfDoublePrecision() {
  // 200,001 points spread over [1e-44, 1e38] (subnormals included) plus special values,
  // against Foundation's Double log rounded to Float (Cephes logf is accurate to ~1 ulp).
  var inputs = (0...200_000).map { Float(Foundation.pow(10, -44 + 82 * Double($0) / 200_000)) }
  inputs += [
    1, 2, 0.5, 0.70710677, 0.7071068, 1.4142135, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
  ]
  let values = Tensor(shape: [inputs.count], scalars: inputs).log().scalars
  var worst: Float = 0
  for (value, input) in zip(values, inputs) {
    let expected = Float(Foundation.log(Double(input)))
    if expected == 0 {
      #expect(value == 0, "log(\(input)) = \(value)")
      continue
    }
    worst = Swift.max(worst, Swift.abs(value - expected) / expected.ulp)
  }
  #expect(worst <= 2, "log: worst error \(worst) ulp")
  let special = Tensor([0, -1, .infinity, .nan]).log().scalars
  #expect(special[0] == -.infinity)
  #expect(special[1].isNaN)
  #expect(special[2] == .infinity)
  #expect(special[3].isNaN)
}

@Test func absHasJAXsDerivativeAtZero() {
  // jax.grad(lambda x: jnp.sum(jnp.abs(x)))(jnp.array([0., -0., 1., -2.])) is [1, 1, 1, -1].
  let g = gradient(at: [Tensor([0, -0.0, 1, -2])]) { p in p[0].abs().sum() }
  #expect(g[0].scalars == [1, 1, 1, -1])
}
