import StrataKernels
import Testing

@testable import StrataTensor

/// The textbook triple loop, in Double, as the reference for the packed GEMM.
func naiveProduct(_ a: Tensor, _ b: Tensor) -> [Float] {
  let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
  var out = [Float](repeating: 0, count: m * n)
  for i in 0..<m {
    for j in 0..<n {
      var total: Double = 0
      for p in 0..<k { total += Double(a.scalars[i * k + p]) * Double(b.scalars[p * n + j]) }
      out[i * n + j] = Float(total)
    }
  }
  return out
}

@Test(arguments: [
  (1, 1, 1), (3, 5, 7), (17, 3, 129), (129, 17, 33), (6, 300, 16), (7, 257, 17), (64, 64, 64),
  (200, 70, 90),
])
func gemmMatchesNaiveProductOnOddSizes(m: Int, k: Int, n: Int) {
  let a = randomTensor([m, k], seed: UInt64(m * 1000 + k))
  let b = randomTensor([k, n], seed: UInt64(n * 1000 + k))
  let expected = naiveProduct(a, b)
  expectClose(a.matmul(b).scalars, expected, tolerance: 1e-4)
  // Transposed operands are read through packing, never copied: same numbers.
  let at = a.transposed()
  let bt = b.transposed()
  expectClose(Tensor.matrixProduct(at, b, transposingA: true).scalars, expected, tolerance: 1e-4)
  expectClose(Tensor.matrixProduct(a, bt, transposingB: true).scalars, expected, tolerance: 1e-4)
  expectClose(
    Tensor.matrixProduct(at, bt, transposingA: true, transposingB: true).scalars, expected,
    tolerance: 1e-4)
}

@Test(arguments: [
  (7, 33, 17), (20, 512, 70), (100, 1024, 80), (10, 300, 256), (13, 2048, 16), (97, 40, 128),
])
func everyPackingOfTheOperandsGivesTheSameBits(m: Int, k: Int, n: Int) {
  // A read in place or packed (transposed, or rows a multiple of 2 KiB apart: k = 512,
  // 1024, 2048), B read in place or packed (transposed, more than 96 rows, or rows a
  // multiple of 512 bytes apart: n = 128, 256): the same depth blocks and FMA order, so the
  // same bits whichever way an operand is read.
  let a = randomTensor([m, k], seed: UInt64(m + k))
  let b = randomTensor([k, n], seed: UInt64(k + n))
  let product = a.matmul(b).scalars
  let at = a.transposed()
  let bt = b.transposed()
  #expect(Tensor.matrixProduct(at, b, transposingA: true).scalars == product)
  #expect(Tensor.matrixProduct(a, bt, transposingB: true).scalars == product)
  #expect(
    Tensor.matrixProduct(at, bt, transposingA: true, transposingB: true).scalars == product)
  // Row by row (each row read in place, B packed or not by the row count) as well.
  for row in [0, m - 1] {
    #expect(a.rows(row..<(row + 1)).matmul(b).scalars == Array(product[(row * n)..<(row * n + n)]))
  }
}

@Test func gemmAccumulates() {
  let a = randomTensor([5, 9], seed: 1)
  let b = randomTensor([9, 20], seed: 2)
  let c = randomTensor([5, 20], seed: 3)
  let expected = zip(naiveProduct(a, b), c.scalars).map { $0 + $1 }
  expectClose(Tensor.matrixProduct(a, b, accumulatingInto: c).scalars, expected, tolerance: 1e-4)
}

@Test func gemmIsDeterministicAcrossThreadCounts() {
  // Each element of C is summed in the same order whatever the split, so the bits agree.
  let a = randomTensor([130, 300], seed: 8)
  let b = randomTensor([300, 270], seed: 9)
  let saved = ComputeThreads.count
  defer { ComputeThreads.count = saved }
  ComputeThreads.count = 1
  let one = a.matmul(b)
  ComputeThreads.count = 2
  let two = a.matmul(b)
  let again = a.matmul(b)
  #expect(one.scalars == two.scalars)
  #expect(two.scalars == again.scalars)
}

@Test(arguments: [(7, 257, 45), (13, 40, 33), (130, 300, 270), (6, 16, 32), (5, 3, 10)])
func everyMicroKernelComputesTheSameProduct(m: Int, k: Int, n: Int) {
  // The portable, AVX2 (6×16), AVX-512 (6×32) or NEON (6×16) kernels this CPU runs, on sizes
  // that leave partial tiles in both directions. Every kernel, the portable loop too (fmaf),
  // uses one fused multiply-add per step in the same order, so their bits agree.
  let a = randomTensor([m, k], seed: UInt64(m + k))
  let b = randomTensor([k, n], seed: UInt64(n + k))
  let expected = naiveProduct(a, b)
  var results: [[Float]] = []
  for kernel in GEMM.Kernel.available {
    var c = [Float](repeating: .nan, count: m * n)
    a.scalars.withUnsafeBufferPointer { pa in
      b.scalars.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          GEMM.multiply(
            m: m, n: n, k: k,
            a: .init(base: pa.baseAddress!, leadingDimension: k, transposed: false),
            b: .init(base: pb.baseAddress!, leadingDimension: n, transposed: false),
            c: pc.baseAddress!, ldc: n, accumulate: false, kernel: kernel)
        }
      }
    }
    expectClose(c, expected, tolerance: 1e-4)
    results.append(c)
  }
  for result in results.dropFirst() { #expect(result == results[0]) }
}

@Test func batchedAndHigherRankProducts() {
  let a = Tensor(shape: [2, 2, 3], scalars: (0..<12).map(Float.init))
  let b = Tensor(shape: [2, 3, 1], scalars: [1, 0, -1, 2, 1, 0])
  // np.matmul(np.arange(12).reshape(2,2,3), [[[1],[0],[-1]],[[2],[1],[0]]]).ravel()
  // = [-2, -2, 19, 28]
  #expect(a.matmul(b).scalars == [-2, -2, 19, 28])
  let w = Tensor([[1], [1], [1]])
  // The last axis is contracted for [..., k] · [k, n], as Keras's Dense does for rank > 2.
  #expect(a.matmul(w).shape == [2, 2, 1])
  #expect(a.matmul(w).scalars == [3, 12, 21, 30])
  #expect(Tensor([1, 2, 3]).dot(Tensor([4, 5, 6])).scalar == 32)
}

@Test func matmulGradients() {
  let a = randomTensor([4, 3], seed: 41)
  let b = randomTensor([3, 5], seed: 42)
  expectGradientsMatch(at: [a, b]) { p in p[0].matmul(p[1]).square() }
  let x = randomTensor([2, 3, 4], seed: 43)
  let y = randomTensor([2, 4, 2], seed: 44)
  expectGradientsMatch(at: [x, y]) { p in p[0].matmul(p[1]).square() }
  let v = randomTensor([4], seed: 45)
  expectGradientsMatch(at: [v]) { p in p[0].dot(p[0]) }
}

@Test func repeatedProductEqualsMatmulInValueAndGradient() {
  // A weight used at three products, as a recurrent kernel is at three time steps: the same
  // bits as `matmul` forward, and the same gradients (the weight's formed in one GEMM).
  for (k, n) in [(5, 7), (40, 100), (256, 64)] {
    let weight = randomTensor([k, n], seed: UInt64(k))
    let x = randomTensor([3, k], seed: 1)
    let back = randomTensor([n, k], seed: 2) * 0.1
    #expect(RepeatedProduct(weight: weight)(x).scalars == x.matmul(weight).scalars)
    func run(_ p: [Tensor], repeated: Bool) -> Tensor {
      let product = RepeatedProduct(weight: p[0])
      func multiply(_ input: Tensor) -> Tensor {
        repeated ? product(input) : input.matmul(p[0])
      }
      let first = multiply(p[1]).tanh()
      let second = multiply(first.matmul(back) + p[2]).tanh()
      return multiply(second.matmul(back)).square().sum() + first.sum()
    }
    let parameters = [weight, x, randomTensor([3, k], seed: 3)]
    let repeated = valueWithGradient(at: parameters) { run($0, repeated: true) }
    let plain = valueWithGradient(at: parameters) { run($0, repeated: false) }
    expectClose(repeated.value.scalars, plain.value.scalars, tolerance: 1e-5)
    for (a, b) in zip(repeated.gradients, plain.gradients) {
      expectClose(a.scalars, b.scalars, tolerance: 1e-4)
    }
  }
  expectGradientsMatch(at: [randomTensor([4, 3], seed: 7), randomTensor([2, 4], seed: 8)]) { p in
    let product = RepeatedProduct(weight: p[0])
    return (product(p[1]) * product(p[1] * 2)).sum()
  }
}

@Test func repeatedProductAddsIntoAnAddend() {
  let weight = randomTensor([6, 5], seed: 11)
  let x = randomTensor([3, 6], seed: 12)
  let addend = randomTensor([3, 5], seed: 13)
  let product = RepeatedProduct(weight: weight)
  // One depth block: the GEMM adds the product to the addend as `+` would.
  #expect(product(x, adding: addend).scalars == (addend + x.matmul(weight)).scalars)
  expectGradientsMatch(at: [weight, x, addend]) { p in
    (RepeatedProduct(weight: p[0])(p[1], adding: p[2]).tanh() * 2).sum()
  }
}
