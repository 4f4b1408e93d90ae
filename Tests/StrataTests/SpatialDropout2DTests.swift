import Testing

@testable import Strata

@Test func spatialDropoutDropsWholeChannels() throws {
  let layer = SpatialDropout2D(rate: 0.5, seed: 3)
  let x = Tensor.ones([8, 4, 4, 6])
  #expect(try layer(x) == x)
  let dropped = try layer(x, training: true)
  // Every channel of every image is all zeros or all 2 (= 1 / (1 − 0.5)).
  for n in 0..<8 {
    for c in 0..<6 {
      let values = Set(dropped[n][..., 0..., c].scalars)
      #expect(values == [0] || values == [2])
    }
  }
  #expect(Set(dropped.scalars) == [0, 2])
  try expectRoundTrip(SpatialDropout2D(rate: 0.25, seed: 1), inputShape: [3, 3, 2])
}
