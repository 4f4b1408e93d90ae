import StrataKernels
import Testing

@testable import StrataTensor

/// A convolution written straight from its definition, the reference for the fast one:
/// y[n, oh, ow, f] = b[f] + Σ x[n, oh·s − pad + i·d, ow·s − pad + j·d, c] · k[i, j, c, f].
func directConvolution(
  _ x: Tensor, _ k: Tensor, bias: Tensor?, geometry: WindowGeometry, groups: Int = 1
) -> Tensor {
  let (batch, height, width, channels) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let (kh, kw, groupChannels, filters) = (k.shape[0], k.shape[1], k.shape[2], k.shape[3])
  let output = geometry.outputSize
  let filtersPerGroup = filters / groups
  var y = [Float](repeating: 0, count: batch * output[0] * output[1] * filters)
  for n in 0..<batch {
    for oh in 0..<output[0] {
      for ow in 0..<output[1] {
        for f in 0..<filters {
          let group = f / filtersPerGroup
          var sum = Double(bias?.scalars[f] ?? 0)
          for i in 0..<kh {
            for j in 0..<kw {
              let ih = oh * geometry.strides[0] - geometry.padding[0] + i * geometry.dilation[0]
              let iw = ow * geometry.strides[1] - geometry.padding[2] + j * geometry.dilation[1]
              guard ih >= 0 && ih < height && iw >= 0 && iw < width else { continue }
              for c in 0..<groupChannels {
                let channel = group * groupChannels + c
                sum +=
                  Double(x.scalars[((n * height + ih) * width + iw) * channels + channel])
                  * Double(k.scalars[((i * kw + j) * groupChannels + c) * filters + f])
              }
            }
          }
          y[((n * output[0] + oh) * output[1] + ow) * filters + f] = Float(sum)
        }
      }
    }
  }
  return Tensor(shape: [batch, output[0], output[1], filters], scalars: y)
}

/// Convolution settings to check: odd sizes, strides, dilation, both paddings, groups,
/// batch 1.
let convolutionCases:
  [(
    name: String, input: [Int], kernel: [Int], strides: [Int],
    padding: Padding, dilation: [Int], groups: Int
  )] = [
    ("3×3 valid", [2, 5, 6, 3], [3, 3, 3, 4], [1, 1], .valid, [1, 1], 1),
    ("3×3 same", [2, 5, 6, 3], [3, 3, 3, 4], [1, 1], .same, [1, 1], 1),
    (
      "2×2 same stride 2 (extra bottom/right)", [1, 5, 6, 2], [2, 2, 2, 3], [2, 2], .same, [1, 1], 1
    ),
    ("3×2 valid stride (2, 1)", [2, 7, 5, 2], [3, 2, 2, 2], [2, 1], .valid, [1, 1], 1),
    ("dilation 2 same", [1, 7, 7, 2], [3, 3, 2, 2], [1, 1], .same, [2, 2], 1),
    ("dilation 2 valid stride 2", [2, 9, 8, 1], [2, 3, 1, 2], [2, 2], .valid, [2, 2], 1),
    ("groups 2", [2, 5, 5, 4], [3, 3, 2, 6], [1, 1], .same, [1, 1], 2),
    ("1×1", [1, 3, 3, 5], [1, 1, 5, 2], [1, 1], .valid, [1, 1], 1),
  ]

@Test(arguments: convolutionCases.indices)
func convolutionMatchesItsDefinition(index: Int) {
  let c = convolutionCases[index]
  let x = randomTensor(c.input, seed: UInt64(10 + index))
  let k = randomTensor(c.kernel, seed: UInt64(50 + index))
  let b = randomTensor([c.kernel[3]], seed: UInt64(90 + index))
  let geometry = WindowGeometry(
    inputSize: Array(c.input[1...2]), windowSize: Array(c.kernel[0...1]), strides: c.strides,
    dilation: c.dilation, padding: c.padding)
  let fast = x.convolved2D(
    kernel: k, bias: b, strides: c.strides, padding: c.padding, dilation: c.dilation,
    groups: c.groups)
  let reference = directConvolution(x, k, bias: b, geometry: geometry, groups: c.groups)
  #expect(fast.shape == reference.shape, "\(c.name)")
  expectClose(fast.scalars, reference.scalars, tolerance: 1e-5)
}

@Test(arguments: convolutionCases.indices)
func convolutionGradientsMatchFiniteDifferences(index: Int) {
  let c = convolutionCases[index]
  let x = randomTensor(c.input, seed: UInt64(20 + index))
  let k = randomTensor(c.kernel, seed: UInt64(60 + index))
  let b = randomTensor([c.kernel[3]], seed: UInt64(70 + index))
  let result = GradientCheck.check(at: [x, k, b]) { p in
    p[0].convolved2D(
      kernel: p[1], bias: p[2], strides: c.strides, padding: c.padding, dilation: c.dilation,
      groups: c.groups
    ).square()
  }
  #expect(result.maximumRelativeError < 2e-3, "\(c.name): \(result)")
}

@Test func kerasSamePaddingPutsTheExtraRowAtTheBottom() {
  // TensorFlow's "SAME": out = ceil(in / s); pad_total = max((out − 1)s + k − in, 0), half
  // before (rounded down). in 6, k 2, s 2 → out 3, total 0; in 5, k 2, s 2 → out 3, total 1:
  // 0 before, 1 after. in 5, k 4, s 1 → total 3: 1 before, 2 after.
  #expect(
    WindowGeometry(inputSize: [5, 6], windowSize: [2, 2], strides: [2, 2], padding: .same).padding
      == [0, 1, 0, 0])
  #expect(
    WindowGeometry(inputSize: [5, 5], windowSize: [4, 4], padding: .same).padding == [1, 2, 1, 2])
  #expect(
    WindowGeometry(inputSize: [5, 5], windowSize: [4, 4], padding: .same).outputSize == [5, 5])
  // Valid: floor((in − d(k − 1) − 1)/s) + 1; a window larger than the input does not fit.
  #expect(WindowGeometry(inputSize: [28, 28], windowSize: [3, 3]).outputSize == [26, 26])
  #expect(
    WindowGeometry(inputSize: [7, 7], windowSize: [3, 3], dilation: [3, 3]).outputSize == [1, 1])
  #expect(!WindowGeometry(inputSize: [2, 5], windowSize: [3, 3]).isValid)
  // Causal (Conv1D): d(k − 1) before, nothing after.
  #expect(
    WindowGeometry(inputSize: [1, 8], windowSize: [1, 3], dilation: [1, 2], padding: .causal)
      .padding == [0, 0, 4, 0])
}

@Test func im2colLaysOutWindowsAsTheBookDoes() {
  // One 3×3 single-channel image 1…9, 2×2 windows, stride 1: four rows of four taps.
  let image = Tensor(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init))
  let geometry = WindowGeometry(inputSize: [3, 3], windowSize: [2, 2])
  let columns = image.im2col(geometry: geometry)
  #expect(columns == Tensor([[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]))
  // col2im sums overlaps: every window back gives each pixel its number of windows.
  let counts = Tensor.col2im(Tensor.ones([4, 4]), imageShape: [1, 3, 3, 1], geometry: geometry)
  #expect(counts.scalars == [1, 2, 1, 2, 4, 2, 1, 2, 1])
  // Two channels: a tap's channels sit together.
  let two = Tensor(shape: [1, 2, 2, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 40])
  #expect(
    two.im2col(geometry: WindowGeometry(inputSize: [2, 2], windowSize: [2, 2]))
      == Tensor([[1, 10, 2, 20, 3, 30, 4, 40]]))
  // Padding taps are zeros.
  let padded = image.im2col(
    geometry: WindowGeometry(inputSize: [3, 3], windowSize: [3, 3], padding: .same))
  #expect(padded.shape == [9, 9])
  #expect(padded[0].scalars == [0, 0, 0, 0, 1, 2, 0, 4, 5])
}

@Test func im2colAndCol2imAreTransposes() {
  // ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for any x and c: the gradient pair is exact.
  let geometry = WindowGeometry(
    inputSize: [5, 4], windowSize: [3, 2], strides: [2, 1], dilation: [1, 2], padding: .same)
  let x = randomTensor([2, 5, 4, 3], seed: 1)
  let columns = x.im2col(geometry: geometry)
  let c = randomTensor(columns.shape, seed: 2)
  let left = (columns * c).sum().scalar
  let right = (x * Tensor.col2im(c, imageShape: x.shape, geometry: geometry)).sum().scalar
  #expect(abs(left - right) < 1e-4)
  expectGradientsMatch(at: [x]) { p in p[0].im2col(geometry: geometry).square() }
  expectGradientsMatch(at: [c]) { p in
    Tensor.col2im(p[0], imageShape: x.shape, geometry: geometry).square()
  }
}

@Test func largeInferenceBatchesAreUnfoldedInChunks() {
  // Without the direct kernel, a batch larger than one chunk is unfolded a chunk at a time:
  // the same values as image by image.
  let x = randomTensor([40, 12, 12, 8], seed: 3)
  let k = randomTensor([3, 3, 8, 4], seed: 4)
  let geometry = WindowGeometry(inputSize: [12, 12], windowSize: [3, 3])
  let perImage = 100 * 72
  #expect(40 * perImage > Tensor.convolutionChunkValues / 100)
  let matrix = k.reshaped(to: [72, 4])
  func chunked(_ images: Tensor) -> Tensor {
    Tensor.chunkedConvolution(
      images, matrix: matrix, bias: nil, geometry: geometry, activation: .linear)
  }
  let pieces = (0..<40).map { chunked(x.rows($0..<($0 + 1))) }
  #expect(chunked(x) == Tensor.concatenating(pieces, alongAxis: 0))
  expectClose(
    chunked(x).scalars, directConvolution(x, k, bias: nil, geometry: geometry).scalars,
    tolerance: 1e-5)
}

/// Shapes for the direct (inference) kernel: one channel and many, filter counts that fill
/// no panel, one panel, one and a half and several, depths over one GEMM block (3·3·40 =
/// 360), both paddings, strides, dilation, a 3×3 output whose tiles span images, no bias.
let directConvolutionCases:
  [(
    input: [Int], kernel: [Int], strides: [Int], padding: Padding, dilation: [Int],
    bias: Bool, activation: ElementwiseActivation
  )] = [
    ([3, 28, 28, 1], [3, 3, 1, 32], [1, 1], .valid, [1, 1], true, .relu),
    ([2, 13, 13, 32], [3, 3, 32, 64], [1, 1], .valid, [1, 1], true, .relu),
    ([5, 5, 5, 64], [3, 3, 64, 128], [1, 1], .valid, [1, 1], true, .relu),
    ([2, 9, 8, 40], [3, 3, 40, 17], [1, 1], .same, [1, 1], true, .linear),
    ([2, 9, 9, 3], [5, 5, 3, 30], [2, 2], .same, [1, 1], false, .relu),
    ([1, 10, 11, 2], [3, 2, 2, 10], [1, 2], .valid, [2, 2], true, .tanh),
    ([2, 7, 7, 5], [2, 2, 5, 48], [2, 2], .same, [1, 1], false, .linear),
    ([1, 4, 4, 3], [4, 4, 3, 33], [1, 1], .same, [1, 1], true, .sigmoid),
  ]

@Test(arguments: directConvolutionCases.indices)
func directConvolutionGivesTheBitsOfIm2colAndTheGEMM(index: Int) {
  let c = directConvolutionCases[index]
  let x = randomTensor(c.input, seed: UInt64(200 + index))
  let k = randomTensor(c.kernel, seed: UInt64(300 + index))
  let b = c.bias ? randomTensor([c.kernel[3]], seed: UInt64(400 + index)) : nil
  let geometry = WindowGeometry(
    inputSize: Array(c.input[1...2]), windowSize: Array(c.kernel[0...1]), strides: c.strides,
    dilation: c.dilation, padding: c.padding)
  let matrix = k.reshaped(to: [-1, c.kernel[3]])
  guard
    let direct = Tensor.directConvolution(
      x, matrix: matrix, bias: b, geometry: geometry, activation: c.activation)
  else {
    // Only a CPU without AVX2 (or STRATA_GEMM_KERNEL=portable) goes without it.
    #expect(strata_conv2d_direct_available() == 0)
    return
  }
  let columns = Tensor.unfold(x, geometry: geometry).dense(
    kernel: matrix, bias: b, activation: c.activation)
  #expect(direct.shape == [c.input[0]] + geometry.outputSize + [c.kernel[3]])
  #expect(direct.scalars == columns.scalars, "case \(index)")
  // The layer path takes it when nothing is traced.
  let viaOp = x.convolved2D(
    kernel: k, bias: b, strides: c.strides, padding: c.padding, dilation: c.dilation,
    activation: c.activation)
  #expect(viaOp.scalars == direct.scalars)
}

@Test(arguments: [
  ([1, 3, 3, 2], [3, 3, 4, 2], [1, 1], Padding.valid, [1, 1]),
  ([2, 3, 4, 2], [3, 3, 3, 2], [2, 2], .same, [1, 1]),
  ([1, 3, 3, 1], [2, 2, 2, 1], [2, 2], .valid, [1, 1]),
  ([1, 2, 3, 2], [3, 2, 2, 2], [3, 3], .valid, [1, 1]),
  ([1, 4, 4, 1], [3, 3, 1, 1], [1, 1], .same, [2, 2]),
  ([1, 3, 3, 2], [4, 4, 2, 2], [2, 2], .same, [1, 1]),
])
func transposedConvolutionIsTheConvolutionGradient(
  input: [Int], kernel: [Int], strides: [Int], padding: Padding, dilation: [Int]
) {
  // Keras's sizes: valid (in − 1)s + max(d(k − 1) + 1, s), same in · s.
  let x = randomTensor(input, seed: 5)
  let k = randomTensor(kernel, seed: 6)
  let y = x.transposedConvolved2D(kernel: k, strides: strides, padding: padding, dilation: dilation)
  for axis in 0..<2 {
    let extent = dilation[axis] * (kernel[axis] - 1) + 1
    let expected =
      padding == .same
      ? input[axis + 1] * strides[axis]
      : (input[axis + 1] - 1) * strides[axis] + max(extent, strides[axis])
    #expect(y.shape[axis + 1] == expected)
  }
  // ⟨convT(x), z⟩ = ⟨x, im2col(z) · K⟩ with K = kernel [kh, kw, filters, channels] reshaped to
  // [kh·kw·filters, channels]: the transpose of the convolution of z.
  let geometry = Tensor.transposedConvolutionGeometry(
    inputSize: Array(input[1...2]), kernelSize: Array(kernel[0...1]), strides: strides,
    padding: padding, dilation: dilation)
  #expect(geometry.outputSize == Array(input[1...2]))
  let z = randomTensor(y.shape, seed: 7)
  let conv = Tensor.unfold(z, geometry: geometry).matmul(k.reshaped(to: [-1, input[3]]))
  let left = (y * z).sum().scalar
  let right = (x.reshaped(to: [-1, input[3]]) * conv).sum().scalar
  #expect(abs(left - right) < 1e-3 * max(1, abs(left)))
  let b = randomTensor([kernel[2]], seed: 8)
  expectGradientsMatch(at: [x, k, b]) { p in
    p[0].transposedConvolved2D(
      kernel: p[1], bias: p[2], strides: strides, padding: padding, dilation: dilation
    ).square()
  }
}

/// Convolutions with a max pooling after them: the ch. 8 convnet's two pairs (the second
/// leaves its last convolution row and column unread), pooling with `same` padding and
/// strides 1, overlapping 3×3 windows at strides 2 (with 20 filters, and with 32, whose
/// windows are pooled 16 channels at a time in registers, `same`-padded), a padded and a
/// dilated convolution (whose windows leave the image), images spanning threads, no bias, and
/// activations the single pass does not take (it runs the two ops then). Shallow valid
/// convolutions (short kernel rows, as the first, the fourth, the sixth and the last two)
/// pool each window's pixels in registers: among them a linear one with strides, dilation,
/// 24 filters and a `same` pooling whose last windows hold two pixels.
let convolutionPoolingCases:
  [(
    input: [Int], kernel: [Int], strides: [Int], padding: Padding, dilation: [Int],
    bias: Bool, activation: ElementwiseActivation, pool: [Int], poolStrides: [Int]?,
    poolPadding: Padding
  )] = [
    ([3, 28, 28, 1], [3, 3, 1, 32], [1, 1], .valid, [1, 1], true, .relu, [2, 2], nil, .valid),
    (
      [2, 13, 13, 32], [3, 3, 32, 64], [1, 1], .valid, [1, 1], true, .relu, [2, 2], nil, .valid
    ),
    (
      [2, 9, 8, 5], [3, 3, 5, 17], [1, 1], .same, [1, 1], true, .linear, [2, 2], [1, 1], .same
    ),
    (
      [2, 11, 10, 3], [2, 2, 3, 20], [1, 1], .valid, [1, 1], false, .relu, [3, 3], [2, 2], .valid
    ),
    (
      [1, 12, 12, 2], [3, 3, 2, 40], [2, 1], .same, [2, 2], true, .relu, [2, 3], [2, 2], .same
    ),
    ([24, 8, 8, 4], [3, 3, 4, 16], [1, 1], .valid, [1, 1], true, .relu, [2, 2], nil, .valid),
    ([2, 9, 9, 3], [3, 3, 3, 32], [1, 1], .same, [1, 1], true, .relu, [3, 3], [2, 2], .same),
    ([2, 6, 6, 3], [3, 3, 3, 8], [1, 1], .valid, [1, 1], true, .tanh, [2, 2], nil, .valid),
    ([2, 10, 9, 2], [3, 2, 2, 24], [2, 1], .valid, [2, 1], true, .linear, [2, 2], nil, .same),
  ]

@Test(arguments: convolutionPoolingCases.indices)
func convolvedMaxPooled2DGivesTheBitsOfTheTwoOps(index: Int) {
  let c = convolutionPoolingCases[index]
  let x = randomTensor(c.input, seed: UInt64(500 + index))
  let k = randomTensor(c.kernel, seed: UInt64(600 + index))
  let b = c.bias ? randomTensor([c.kernel[3]], seed: UInt64(700 + index)) : nil
  let twoOps = x.convolved2D(
    kernel: k, bias: b, strides: c.strides, padding: c.padding, dilation: c.dilation,
    activation: c.activation
  ).maxPooled2D(poolSize: c.pool, strides: c.poolStrides, padding: c.poolPadding)
  let fused = x.convolvedMaxPooled2D(
    kernel: k, bias: b, strides: c.strides, padding: c.padding, dilation: c.dilation,
    activation: c.activation, poolSize: c.pool, poolStrides: c.poolStrides,
    poolPadding: c.poolPadding)
  #expect(fused.shape == twoOps.shape)
  #expect(fused.scalars == twoOps.scalars, "case \(index)")
}

@Test func convolvedMaxPooled2DHasTheTwoOpsGradient() {
  // Traced, it is the two ops: the same values and gradients as their composition, which
  // match finite differences.
  let x = randomTensor([2, 6, 6, 2], seed: 1)
  let k = randomTensor([3, 3, 2, 4], seed: 2)
  let b = randomTensor([4], seed: 3)
  let (value, gradients) = valueWithGradient(at: [x, k, b]) { p in
    p[0].convolvedMaxPooled2D(kernel: p[1], bias: p[2], activation: .relu, poolSize: [2, 2])
      .square().sum()
  }
  let (expectedValue, expectedGradients) = valueWithGradient(at: [x, k, b]) { p in
    p[0].convolved2D(kernel: p[1], bias: p[2], activation: .relu).maxPooled2D(poolSize: [2, 2])
      .square().sum()
  }
  #expect(value.scalars == expectedValue.scalars)
  for (gradient, expected) in zip(gradients, expectedGradients) {
    #expect(gradient.scalars == expected.scalars)
  }
  let check = GradientCheck.check(at: [x, k, b]) { p in
    p[0].convolvedMaxPooled2D(kernel: p[1], bias: p[2], poolSize: [2, 2]).square()
  }
  #expect(check.maximumRelativeError < 2e-3, "\(check)")
}
