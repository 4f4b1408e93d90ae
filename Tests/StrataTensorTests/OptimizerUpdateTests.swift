import Foundation
import Testing

@testable import StrataTensor

/// Deterministic pseudo-random values in `range` (a small LCG, for test data only).
private func values(_ count: Int, seed: UInt64, in range: ClosedRange<Float>) -> [Float] {
  var state = seed
  return (0..<count).map { _ in
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    let unit = Float(state >> 40) / Float(1 << 24)
    return range.lowerBound + unit * (range.upperBound - range.lowerBound)
  }
}

@Test func adamPassMatchesTheScalarFormulaBitForBit() {
  // 200,003 parameters: vector bodies, a scalar tail and a split over threads. The kernels do
  // not contract into FMA, so the result equals the plain Swift formula exactly.
  let count = 200_003
  var p = values(count, seed: 1, in: -1...1)
  let g = values(count, seed: 2, in: -1...1)
  var m = values(count, seed: 3, in: -0.1...0.1)
  var v = values(count, seed: 4, in: 0...0.01)
  var expected = p
  let (alpha, beta1, beta2, epsilon): (Float, Float, Float, Float) = (0.003, 0.9, 0.999, 1e-7)
  for i in 0..<count {
    let mi = m[i] + (g[i] - m[i]) * (1 - beta1)
    let vi = v[i] + (g[i] * g[i] - v[i]) * (1 - beta2)
    expected[i] = p[i] - alpha * mi / (vi.squareRoot() + epsilon)
  }
  p.withUnsafeMutableBufferPointer { pp in
    g.withUnsafeBufferPointer { gg in
      m.withUnsafeMutableBufferPointer { mm in
        v.withUnsafeMutableBufferPointer { vv in
          OptimizerUpdate.adam(
            parameter: pp, gradient: gg, firstMoment: mm, secondMoment: vv, maximum: nil,
            alpha: alpha, oneMinusBeta1: 1 - beta1, oneMinusBeta2: 1 - beta2, epsilon: epsilon)
        }
      }
    }
  }
  #expect(p == expected)
}

@Test func amsgradUsesTheRunningMaximum() {
  // Adam(lr=0.001, beta_2=0.5, amsgrad=True), w = 1, gradients 3 then 0. By Keras's formula
  // (NumPy, float64): w = 0.99841985777; plain Adam would use v = 2.25 instead of 4.5.
  var p: [Float] = [1]
  var (m, v, top): ([Float], [Float], [Float]) = ([0], [0], [0])
  for (step, gradient) in [(1, Float(3)), (2, 0)] {
    let alpha =
      0.001 * (1 - Foundation.pow(Float(0.5), Float(step))).squareRoot()
      / (1 - Foundation.pow(Float(0.9), Float(step)))
    p.withUnsafeMutableBufferPointer { pp in
      [gradient].withUnsafeBufferPointer { gg in
        m.withUnsafeMutableBufferPointer { mm in
          v.withUnsafeMutableBufferPointer { vv in
            top.withUnsafeMutableBufferPointer { tt in
              OptimizerUpdate.adam(
                parameter: pp, gradient: gg, firstMoment: mm, secondMoment: vv, maximum: tt,
                alpha: alpha, oneMinusBeta1: 1 - 0.9, oneMinusBeta2: 1 - 0.5, epsilon: 1e-7)
            }
          }
        }
      }
    }
  }
  #expect(abs(p[0] - 0.998_419_86) < 1e-6)
  #expect(top == [4.5])
}

@Test func centredRMSpropWithMomentum() {
  // RMSprop(lr=0.1, rho=0.9, momentum=0.5, centered=True), w = 0, gradient 1 twice.
  // Keras's formula in NumPy (float64): w = -0.75490601.
  var p: [Float] = [0]
  var (average, velocity, mean): ([Float], [Float], [Float]) = ([0], [0], [0])
  for _ in 0..<2 {
    p.withUnsafeMutableBufferPointer { pp in
      [Float(1)].withUnsafeBufferPointer { gg in
        average.withUnsafeMutableBufferPointer { aa in
          velocity.withUnsafeMutableBufferPointer { vv in
            mean.withUnsafeMutableBufferPointer { mm in
              OptimizerUpdate.rmsprop(
                parameter: pp, gradient: gg, average: aa, velocity: vv, meanGradient: mm,
                learningRate: 0.1, rho: 0.9, momentum: 0.5, epsilon: 1e-7)
            }
          }
        }
      }
    }
  }
  #expect(abs(p[0] - -0.754_906_01) < 1e-6)
}

/// Runs `body` with mutable buffers over copies of `arrays`, returning the arrays after.
private func updated(
  _ arrays: [[Float]], _ body: ([UnsafeMutableBufferPointer<Float>]) -> Void
) -> [[Float]] {
  var copies = arrays
  let buffers = copies.indices.map { index in
    let pointer = UnsafeMutablePointer<Float>.allocate(capacity: copies[index].count)
    pointer.initialize(from: copies[index], count: copies[index].count)
    return UnsafeMutableBufferPointer(start: pointer, count: copies[index].count)
  }
  body(buffers)
  for (index, buffer) in buffers.enumerated() {
    copies[index] = Array(buffer)
    buffer.baseAddress!.deallocate()
  }
  return copies
}

@Test func theOtherRulesMatchTheirScalarFormulasBitForBit() {
  // Adagrad, Adadelta, Adamax, Nadam and weight decay as C passes (vector bodies, tails and a
  // split over threads): each equals its scalar formula, operation for operation.
  let count = 100_003
  let p = values(count, seed: 11, in: -1...1)
  let g = values(count, seed: 12, in: -1...1)
  let m = values(count, seed: 13, in: -0.1...0.1)
  let u = values(count, seed: 14, in: 0...0.01)
  let (lr, rho, beta1, beta2, epsilon): (Float, Float, Float, Float, Float) = (
    0.01, 0.95, 0.9, 0.999, 1e-7
  )
  func scalar(
    _ first: [Float]? = nil, _ rule: (Int, inout Float, inout Float, inout Float) -> Void
  ) -> [[Float]] {
    var (pp, mm, uu) = (p, first ?? m, u)
    for i in 0..<count { rule(i, &pp[i], &mm[i], &uu[i]) }
    return [pp, mm, uu]
  }
  // Adagrad keeps its accumulator in the third array, Adadelta its Eg there and Ed in the
  // second.
  let gradient = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
  _ = gradient.initialize(from: g)
  defer { gradient.deallocate() }
  let gg = UnsafeBufferPointer(gradient)
  #expect(
    updated([p, m, u]) { b in
      OptimizerUpdate.adagrad(
        parameter: b[0], gradient: gg, accumulator: b[2], learningRate: lr, epsilon: epsilon)
    }
      == scalar { i, p, _, a in
        a += g[i] * g[i]
        p -= lr * g[i] / (a + epsilon).squareRoot()
      })
  // Adadelta's Ed under a root: non-negative, as the first array for it.
  let squares = values(count, seed: 15, in: 0...0.01)
  #expect(
    updated([p, squares, u]) { b in
      OptimizerUpdate.adadelta(
        parameter: b[0], gradient: gg, gradientAverage: b[2], deltaAverage: b[1],
        learningRate: lr, rho: rho, epsilon: epsilon)
    }
      == scalar(squares) { i, p, ed, eg in
        eg = rho * eg + (1 - rho) * g[i] * g[i]
        let delta = -g[i] * ((ed + epsilon) / (eg + epsilon)).squareRoot()
        ed = rho * ed + (1 - rho) * delta * delta
        p += lr * delta
      })
  let correction: Float = 1 - Foundation.pow(beta1, 3)
  #expect(
    updated([p, m, u]) { b in
      OptimizerUpdate.adamax(
        parameter: b[0], gradient: gg, firstMoment: b[1], infinityNorm: b[2], learningRate: lr,
        beta1: beta1, beta2: beta2, correction: correction, epsilon: epsilon)
    }
      == scalar { i, p, m, u in
        m += (g[i] - m) * (1 - beta1)
        u = Swift.max(beta2 * u, Swift.abs(g[i]))
        p -= lr * m / (correction * (u + epsilon))
      })
  let (current, next, product, productNext, second): (Float, Float, Float, Float, Float) = (
    0.854, 0.856, 0.62, 0.53, 0.003
  )
  #expect(
    updated([p, m, u]) { b in
      OptimizerUpdate.nadam(
        parameter: b[0], gradient: gg, firstMoment: b[1], secondMoment: b[2], learningRate: lr,
        beta1: beta1, beta2: beta2, current: current, next: next, product: product,
        productNext: productNext, secondCorrection: second, epsilon: epsilon)
    }
      == scalar { i, p, m, u in
        m += (g[i] - m) * (1 - beta1)
        u += (g[i] * g[i] - u) * (1 - beta2)
        let mHat =
          next * m * (1 / (1 - productNext)) + (1 - current) * g[i] * (1 / (1 - product))
        p -= mHat * lr / ((u * (1 / second)).squareRoot() + epsilon)
      })
  #expect(
    updated([p, m, u]) { b in
      OptimizerUpdate.weightDecay(parameter: b[0], decay: 0.004, learningRate: lr)
    } == scalar { _, p, _, _ in p -= p * 0.004 * lr })
}
