import Foundation
import Testing

@testable import StrataTensor

@Test func activationValuesMatchKeras() {
  // Golden values from keras 3.15.1 (KerasReference.md §5).
  expectClose(Tensor([-1]).elu().scalars, [-0.63212055])
  expectClose(Tensor([-1, 1]).selu().scalars, [-1.1113307, 1.050701])
  expectClose(Tensor([1]).gelu().scalars, [0.8413447])
  expectClose(Tensor([1]).gelu(approximate: true).scalars, [0.8411920])
  expectClose(Tensor([0]).softplus().scalars, [0.6931472])
  expectClose(Tensor([1]).swish().scalars, [0.7310586])
  expectClose(Tensor([-1]).leakyRelu().scalars, [-0.2])
  expectClose(Tensor([-1]).leakyRelu(alpha: 0.3).scalars, [-0.3])
  #expect(Tensor([-2, 0, 3]).relu().scalars == [0, 0, 3])
  expectClose(Tensor([0, 2]).sigmoid().scalars, [0.5, 0.880797])
  expectClose(Tensor([0.5]).tanh().scalars, [0.46211716])
  // Stable for large magnitudes: no NaN or overflow.
  #expect(Tensor([-1000, 1000]).sigmoid().scalars == [0, 1])
  #expect(Tensor([1000]).softplus().scalars == [1000])
}

@Test(arguments: [
  ElementwiseActivation.linear, .relu, .sigmoid, .tanh, .softplus, .elu(alpha: 1), .selu,
  .leakyRelu(alpha: 0.2), .gelu(approximate: false), .gelu(approximate: true), .swish,
])
func activationGradients(activation: ElementwiseActivation) {
  let x = randomTensor([3, 4], seed: 61) * 2
  expectGradientsMatch(at: [x], step: 1e-3) { p in p[0].activated(activation) * Tensor.arange(to: 4)
  }
}

@Test func reluKernelsOnALargeTensor() {
  // 70,001 values: vector bodies, a scalar tail and a split over threads, against the
  // definition max(x, 0) and its pullback (the gradient where the output is positive).
  let x = randomTensor([70_001], seed: 301)
  let upstream = randomTensor([70_001], seed: 302)
  let (value, gradients) = valueWithGradient(at: [x]) { p in
    (p[0].activated(.relu) * upstream).sum()
  }
  let expectedValue = zip(x.scalars, upstream.scalars).reduce(Float(0)) { total, pair in
    total + Swift.max(pair.0, 0) * pair.1
  }
  #expect(abs(value.scalar - expectedValue) < 1e-2)
  #expect(gradients[0].scalars == zip(x.scalars, upstream.scalars).map { $0 > 0 ? $1 : 0 })
  // The dense op's fused bias + relu epilogue, on rows wide enough to be threaded.
  let input = randomTensor([300, 40], seed: 303)
  let kernel = randomTensor([40, 300], seed: 304)
  let bias = randomTensor([300], seed: 305)
  let fused = input.dense(kernel: kernel, bias: bias, activation: .relu)
  let reference = (input.matmul(kernel) + bias).scalars.map { Swift.max($0, 0) }
  #expect(fused.scalars == reference)
}

@Test func vectorisedExpSigmoidAndTanhStayWithinTwoUlpsOfDoublePrecision() {
  // 200,001 points over [-110, 110] plus special values, against Foundation's Double
  // functions rounded to Float. The kernels are Cephes's single-precision algorithms; their
  // error must stay within two units in the last place (subnormal results: within one
  // subnormal step).
  var inputs = (0...200_000).map { Float(-110 + 220 * Double($0) / 200_000) }
  inputs += [0, -0.0, 1e-30, -1e-30, 0.625, -0.625, 88.72, 88.73, -87.4, -103.9, -104, 200, -200]
  inputs += [.infinity, -.infinity]
  let x = Tensor(shape: [inputs.count], scalars: inputs)
  func check(
    _ actual: [Float], _ reference: (Double) -> Double, _ name: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    var worst: Float = 0
    for (value, input) in zip(actual, inputs) {
      let expected = Float(reference(Double(input)))
      if expected.isInfinite || expected == 0 || value == expected {
        #expect(value == expected, "\(name)(\(input)) = \(value), expected \(expected)")
        continue
      }
      let ulp = expected.isNormal ? expected.ulp : Float.leastNonzeroMagnitude
      worst = max(worst, abs(value - expected) / ulp)
    }
    #expect(worst <= 2, "\(name): worst error \(worst) ulp", sourceLocation: sourceLocation)
  }
  check(x.exp().scalars, Foundation.exp, "exp")
  check(x.activated(.sigmoid).scalars, { 1 / (1 + Foundation.exp(-$0)) }, "sigmoid")
  check(x.activated(.tanh).scalars, Foundation.tanh, "tanh")
  // NaN stays NaN.
  let nan = Tensor([Float.nan])
  #expect(nan.exp().scalars[0].isNaN)
  #expect(nan.activated(.sigmoid).scalars[0].isNaN)
  #expect(nan.activated(.tanh).scalars[0].isNaN)
}
