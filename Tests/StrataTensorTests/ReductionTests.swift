import Testing

@testable import StrataTensor

@Test func reductionsAlongAxes() {
  let t = Tensor([[1, 5, 3], [4, 2, 6]])
  #expect(t.sum().scalar == 21)
  #expect(t.sum(alongAxis: 0).scalars == [5, 7, 9])
  #expect(t.sum(alongAxis: 1).scalars == [9, 12])
  #expect(t.sum(alongAxis: -1, keepingDims: true).shape == [2, 1])
  #expect(t.mean(alongAxis: 0).scalars == [2.5, 3.5, 4.5])
  #expect(t.max(alongAxis: 1).scalars == [5, 6])
  #expect(t.min(alongAxis: 0).scalars == [1, 2, 3])
  #expect(t.max().scalar == 6)
  #expect(t.argmax(alongAxis: 1).scalars == [1, 2])
  #expect(t.argmax(alongAxis: 0).scalars == [1, 0, 1])
  let cube = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
  // np.arange(24).reshape(2,3,4).sum(axis=(0,2)) = [60, 92, 124]
  #expect(cube.sum(alongAxes: [0, 2]).scalars == [60, 92, 124])
  #expect(cube.sum(alongAxes: [0, 2], keepingDims: true).shape == [1, 3, 1])
}

@Test func reductionGradients() {
  let x = randomTensor([3, 4], seed: 21)
  expectGradientsMatch(at: [x]) { p in p[0].sum(alongAxis: 0).square() }
  expectGradientsMatch(at: [x]) { p in p[0].mean(alongAxis: 1, keepingDims: true) * p[0] }
  expectGradientsMatch(at: [x]) { p in
    p[0].max(alongAxis: 1).square().sum() + p[0].min(alongAxis: 0).sum()
  }
}

@Test func maxGradientIsSharedAmongTies() {
  // TensorFlow/JAX split the gradient of reduce_max equally among tied maxima.
  let g = gradient(at: [Tensor([1, 3, 3])]) { p in p[0].max() }
  #expect(g[0].scalars == [0, 0.5, 0.5])
}

@Test func longSumsKeepFloat32Accuracy() {
  // 2·10⁶ copies of Float(0.1) (= 0.100000001490116…) sum to 200,000.003, which is 200,000
  // in float32. A Float running sum ends at 197,024.78 (NumPy's cumsum); NumPy's pairwise
  // sum gives 200,000.02.
  let tenths = Tensor.full([2_000_000], value: 0.1)
  #expect(tenths.sum().scalar == 200_000)
  #expect(tenths.mean().scalar == 0.1)
  // Along a leading axis (each column its own running sum): 10⁶ × 0.1 = 100,000.0015 → 100,000;
  // a Float running sum ends at 100,958.34 (NumPy's cumsum).
  let columns = tenths.reshaped(to: [1_000_000, 2])
  #expect(columns.sum(alongAxis: 0).scalars == [100_000, 100_000])
}

@Test func varianceAndStandardDeviationMatchNumPy() {
  // NumPy: x.var(axis=1) = [1.5555557, 2.888889], x.std(axis=0) = [1, 1, 0.5], x.var() = 2.9166667
  let x = Tensor([[1, 2, 4], [-1, 0, 3]])
  expectClose(x.variance(alongAxes: [1]).scalars, [1.5555557, 2.888889])
  expectClose(x.standardDeviation(alongAxes: [0]).scalars, [1, 1, 0.5])
  expectClose([x.variance().scalar], [2.9166667])
  #expect(x.variance(alongAxes: [1], keepingDims: true).shape == [2, 1])
  expectGradientsMatch(at: [randomTensor([3, 4], seed: 5)]) { p in
    (p[0].standardDeviation(alongAxes: [1]) * Tensor([1, 2, 3])).sum()
  }
}
