import Testing

@testable import StrataTensor

@Test func maxPoolingTakesEachWindowsLargestValue() {
  // 4×4 image 1…16, 2×2 windows: [[6, 8], [14, 16]]; gradients to those positions.
  let image = Tensor(shape: [1, 4, 4, 1], scalars: (1...16).map(Float.init))
  #expect(image.maxPooled2D(poolSize: [2, 2]).scalars == [6, 8, 14, 16])
  let (_, grads) = valueWithGradient(at: [image]) { p in p[0].maxPooled2D(poolSize: [2, 2]).sum() }
  #expect(grads[0].scalars.enumerated().filter { $0.element == 1 }.map(\.offset) == [5, 7, 13, 15])
  // "same" on 5×5 with 2×2, stride 2: out 3×3, windows at the edge cover only real pixels.
  let five = Tensor(shape: [1, 5, 5, 1], scalars: (1...25).map(Float.init))
  #expect(
    five.maxPooled2D(poolSize: [2, 2], padding: .same).scalars == [
      7, 9, 10, 17, 19, 20, 22, 24, 25,
    ])
  // Ties: the gradient goes to the first maximum in row-major window order.
  let ties = Tensor(shape: [1, 2, 2, 1], scalars: [3, 3, 3, 3])
  let (_, tied) = valueWithGradient(at: [ties]) { p in p[0].maxPooled2D(poolSize: [2, 2]).sum() }
  #expect(tied[0].scalars == [1, 0, 0, 0])
}

@Test func averagePoolingDividesByTheRealPixels() {
  // Keras: "same" average pooling divides by the count of valid elements. 3×3 of ones,
  // 2×2 windows, stride 2, same → 2×2 outputs all 1 (edge windows average 2 or 1 pixels).
  let ones = Tensor.ones([1, 3, 3, 1])
  #expect(ones.averagePooled2D(poolSize: [2, 2], padding: .same).scalars == [1, 1, 1, 1])
  let image = Tensor(shape: [1, 2, 4, 1], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
  #expect(image.averagePooled2D(poolSize: [2, 2]).scalars == [3.5, 5.5])
}

@Test(arguments: [
  ([2, 5, 6, 3], [2, 2], [2, 2], Padding.valid),
  ([1, 5, 5, 2], [3, 3], [2, 2], .same),
  ([2, 4, 7, 1], [2, 3], [1, 2], .valid),
  ([1, 5, 4, 2], [2, 2], [1, 1], .same),
])
func poolingGradientsMatchFiniteDifferences(
  input: [Int], pool: [Int], strides: [Int], padding: Padding
) {
  // Distinct values (a random draw) keep the maxima away from ties.
  let x = randomTensor(input, seed: 12)
  expectGradientsMatch(at: [x], step: 1e-3) { p in
    p[0].maxPooled2D(poolSize: pool, strides: strides, padding: padding).square()
  }
  expectGradientsMatch(at: [x]) { p in
    p[0].averagePooled2D(poolSize: pool, strides: strides, padding: padding).square()
  }
}

@Test func zeroPaddingAndUpsampling() {
  let x = Tensor(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4])
  #expect(x.zeroPadded2D([1, 0, 0, 2]).shape == [1, 3, 4, 1])
  #expect(x.zeroPadded2D([1, 0, 0, 2]).scalars == [0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0])
  #expect(x.upsampled2D(size: [2, 1]).scalars == [1, 2, 1, 2, 3, 4, 3, 4])
  let y = randomTensor([2, 3, 2, 3], seed: 4)
  expectGradientsMatch(at: [y]) { p in p[0].zeroPadded2D([1, 2, 0, 1]).square() }
  expectGradientsMatch(at: [y]) { p in p[0].upsampled2D(size: [2, 3]).square() }
}
