import Testing

@testable import Strata

@Test func conv2DTransposeGrowsImagesAsKerasDoes() throws {
  // Keras: valid (in − 1)·s + max(k, s); same in · s. 7×7 → 15×15 (k 3, s 2), 14×14 (same).
  #expect(
    try Conv2DTranspose(filters: 8, kernelSize: 3, strides: 2).outputShape(forInputShape: [7, 7, 4])
      == [15, 15, 8])
  #expect(
    try Conv2DTranspose(filters: 8, kernelSize: 3, strides: 2, padding: .same).outputShape(
      forInputShape: [7, 7, 4]) == [14, 14, 8])
  #expect(
    try Conv2DTranspose(filters: 8, kernelSize: 2, strides: 3).outputShape(forInputShape: [2, 2, 1])
      == [6, 6, 8])
  let layer = Conv2DTranspose(filters: 2, kernelSize: 3)
  _ = try layer(Tensor.zeros([1, 4, 4, 5]))
  #expect(layer.kernel?.shape == [3, 3, 2, 5])  // [kh, kw, filters, channels], as Keras
  // One pixel of 1 spreads the kernel over a 3×3 window (valid, stride 1).
  let spread = Conv2DTranspose(
    filters: 1, kernelSize: 3, useBias: false,
    kernelInitializer: .values(Tensor(shape: [3, 3, 1, 1], scalars: (1...9).map(Float.init))))
  #expect(try spread(Tensor.ones([1, 1, 1, 1])).scalars == (1...9).map(Float.init))
  try expectRoundTrip(
    Conv2DTranspose(filters: 3, kernelSize: [3, 2], strides: 2, padding: .same, activation: .relu),
    inputShape: [3, 4, 2])
}
