import Testing

@testable import StrataTensor

@Test func sameSeedGivesSameBits() {
  var g1 = RandomGenerator(seed: 42)
  var g2 = RandomGenerator(seed: 42)
  let a = Tensor.normal([100], generator: &g1)
  let b = Tensor.normal([100], generator: &g2)
  #expect(a.scalars == b.scalars)
  var g3 = RandomGenerator(seed: 43)
  #expect(Tensor.normal([100], generator: &g3).scalars != a.scalars)
}

@Test func splitMix64MatchesTheReferenceSequence() {
  // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c):
  // 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4.
  var g = RandomGenerator(seed: 0)
  #expect(g.next() == 0xE220_A839_7B1D_CDAF)
  #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
}

@Test func distributionsHaveTheirMoments() {
  var g = RandomGenerator(seed: 7)
  let n = 20000
  let u = Tensor.uniform([n], lowerBound: -2, upperBound: 4, generator: &g)
  #expect(u.scalars.allSatisfy { $0 >= -2 && $0 < 4 })
  #expect(abs(u.mean().scalar - 1) < 0.05)
  let z = Tensor.normal([n], mean: 3, standardDeviation: 2, generator: &g)
  #expect(abs(z.mean().scalar - 3) < 0.05)
  let variance = (z - 3).square().mean().scalar
  #expect(abs(variance - 4) < 0.15)
  let t = Tensor.truncatedNormal([n], standardDeviation: 0.5, generator: &g)
  #expect(t.scalars.allSatisfy { abs($0) <= 1.0 })
  // A standard normal truncated at ±2 has standard deviation 0.87962566 (Keras's constant).
  let tsd = t.square().mean().scalar.squareRoot()
  #expect(abs(tsd - 0.5 * 0.87962566) < 0.01)
  let mask = Tensor.bernoulli([n], probability: 0.8, generator: &g)
  #expect(mask.scalars.allSatisfy { $0 == 0 || $0 == 1 })
  #expect(abs(mask.mean().scalar - 0.8) < 0.01)
}

@Test func permutationIsAPermutation() {
  var g = RandomGenerator(seed: 3)
  let p = g.permutation(1000)
  #expect(p.sorted() == Array(0..<1000))
  #expect(p != Array(0..<1000))
}

@Test func bulkBernoulliEqualsOneDrawAtATime() {
  // The vectorised, threaded mask kernel computes draw i from state + i·γ directly; it must
  // give the same mask as nextUnitFloat() called in order, and leave the generator where
  // those calls would.
  var bulk = RandomGenerator(seed: 77)
  var single = RandomGenerator(seed: 77)
  let count = 100_003
  let mask = Tensor.bernoulli([count], probability: 0.8, value: 1.25, generator: &bulk)
  let expected = (0..<count).map { _ in single.nextUnitFloat() < 0.8 ? Float(1.25) : 0 }
  #expect(mask.scalars == expected)
  #expect(bulk.next() == single.next())
}
