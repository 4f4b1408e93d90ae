import StrataKernels

extension Tensor {
  /// An untraced convolution computed straight from the images (`strata_conv2d_direct`), or
  /// nil where that kernel does not run (no vector unit it supports, or no memory for its
  /// zero row): the values and bits of `unfold(images) · matrix` with `bias` and
  /// `activation` through the dense op, without writing the column matrix.
  ///
  /// `matrix` is the kernel as `[kh · kw · channels, filters]`; the result is
  /// `[batch, outHeight, outWidth, filters]`. With `maxPooling`, the geometry of a max pooling
  /// of that result, the result is the pooled images instead, computed without writing the
  /// convolution's output (`strata_conv2d_direct_max_pooled`; nil unless `activation` is
  /// linear or relu, which come before the pooling there).
  static func directConvolution(
    _ images: Tensor, matrix: Tensor, bias: Tensor?, geometry: WindowGeometry,
    activation: ElementwiseActivation, maxPooling pool: WindowGeometry? = nil
  ) -> Tensor? {
    guard strata_conv2d_direct_available() != 0,
      pool == nil || activation == .linear || activation == .relu
    else { return nil }
    let (batch, channels) = (images.shape[0], images.shape[3])
    let (depth, filters) = (matrix.shape[0], matrix.shape[1])
    let output = geometry.outputSize
    let pixels = batch * output[0] * output[1]
    let lanes = 16
    let panels = (filters + lanes - 1) / lanes
    // The kernel in panels of 16 filters, zero beyond the last filter: the GEMM's packing of
    // a right-hand operand.
    let packedCount = panels * depth * lanes
    let packed = [Float](unsafeUninitializedCapacity: packedCount) { buffer, initialized in
      matrix.scalars.withUnsafeBufferPointer { kernel in
        strata_gemm_pack_b(
          kernel.baseAddress!, filters, 0, depth, filters, lanes, buffer.baseAddress!)
      }
      initialized = packedCount
    }
    let paddedBias = bias.map {
      $0.scalars + [Float](repeating: 0, count: panels * lanes - filters)
    }
    let outputSize = pool?.outputSize ?? output
    let count = batch * outputSize[0] * outputSize[1] * filters
    var out = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    let depthBlock = GEMM.depthBlockSize(forDepth: depth)
    let relu: Int32 = activation == .relu ? 1 : 0
    let allocated = Locked(true)
    let convolution = geometry.kernelWindow(channels: channels)
    let pooling = pool?.kernelWindow(channels: filters)
    withUnsafePointer(to: convolution) { window in
      withUnsafePointer(to: pooling ?? convolution) { poolWindow in
        images.scalars.withUnsafeBufferPointer { source in
          packed.withUnsafeBufferPointer { kernel in
            out.withUnsafeMutableBufferPointer { destination in
              let (x, w, y) = (source.baseAddress!, kernel.baseAddress!, destination.baseAddress!)
              func run(_ b: UnsafePointer<Float>?) {
                // As the GEMM splits work: about a million multiply-adds per thread at least.
                let work = Swift.max(1, depth * filters)
                if pooling != nil {
                  let perImage = output[0] * output[1]
                  parallelRanges(
                    count: batch, minimumChunk: Swift.max(1, 1_000_000 / (work * perImage))
                  ) { range in
                    if strata_conv2d_direct_max_pooled(
                      window, poolWindow, range.lowerBound, range.upperBound, x, w, filters,
                      depthBlock, b, relu, y) == 0
                    {
                      allocated.withLock { $0 = false }
                    }
                  }
                  return
                }
                parallelRanges(count: pixels, minimumChunk: Swift.max(1, 1_000_000 / work)) {
                  range in
                  if strata_conv2d_direct(
                    window, range.lowerBound, range.upperBound, x, w, filters, depthBlock, b,
                    relu, y) == 0
                  {
                    allocated.withLock { $0 = false }
                  }
                }
              }
              if let paddedBias {
                paddedBias.withUnsafeBufferPointer { run($0.baseAddress!) }
              } else {
                run(nil)
              }
            }
          }
        }
      }
    }
    guard allocated.withLock({ $0 }) else { return nil }
    let result = Tensor(shape: [batch, outputSize[0], outputSize[1], filters], storage: out)
    return activation == .linear || activation == .relu ? result : result.activated(activation)
  }
}
