import Testing

@testable import Strata

@Test func upSamplingRepeatsPixels() throws {
  #expect(try UpSampling2D().outputShape(forInputShape: [7, 7, 16]) == [14, 14, 16])
  let image = Tensor(shape: [1, 1, 2, 1], scalars: [1, 2])
  #expect(try UpSampling2D(size: [2, 2])(image).scalars == [1, 1, 2, 2, 1, 1, 2, 2])
  try expectRoundTrip(UpSampling2D(size: [2, 3]), inputShape: [2, 2, 2])
}
