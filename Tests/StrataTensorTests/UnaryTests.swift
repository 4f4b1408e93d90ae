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

@Test func unaryGradients() {
  let positive = randomTensor([2, 3], seed: 5).abs() + 0.5
  expectGradientsMatch(at: [positive]) { p in p[0].log() + p[0].sqrt() + p[0].pow(1.5) }
  let x = randomTensor([2, 3], seed: 6)
  expectGradientsMatch(at: [x]) { p in p[0].exp() + p[0].square() + p[0].abs() }
  expectGradientsMatch(at: [x]) { p in p[0].clipped(lowerBound: -0.5, upperBound: 0.5) }
}
