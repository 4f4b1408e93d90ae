import Testing

@testable import Strata

@Test func zeroPaddingAddsBordersAsKerasWritesThem() throws {
  #expect(try ZeroPadding2D().outputShape(forInputShape: [4, 5, 3]) == [6, 7, 3])
  #expect(try ZeroPadding2D(padding: [1, 2]).outputShape(forInputShape: [4, 5, 3]) == [6, 9, 3])
  let layer = ZeroPadding2D(top: 1, bottom: 0, left: 0, right: 1)
  #expect(try layer(Tensor(shape: [1, 1, 1, 1], scalars: [7])).scalars == [0, 0, 7, 0])
  #expect(layer.configuration["padding"]?.description == "[[1,0],[0,1]]")
  try expectRoundTrip(ZeroPadding2D(top: 2, bottom: 1, left: 0, right: 3), inputShape: [3, 3, 2])
}
