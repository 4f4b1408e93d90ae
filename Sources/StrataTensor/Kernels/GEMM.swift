import StrataKernels

/// Single-precision matrix multiply: `C = op(A) · op(B)` or `C += op(A) · op(B)`.
///
/// The Goto/BLIS scheme: the `k` dimension is cut into equal blocks of at most `depthBlock`,
/// rows of `op(A)` into blocks of `rowBlock`; each block of `op(A)` and `op(B)` is packed into
/// panels of `STRATA_GEMM_MR` rows / the micro-kernel's panel width (16 for AVX2, 32 for
/// AVX-512) so that the C micro-kernel reads both contiguously. Transposed operands are handled
/// by packing, never materialised. Large products are split over threads by columns (or rows)
/// of C; each element of C is always summed in the same order, so results do not depend on the
/// thread count.
enum GEMM {
  static let microRows = Int(STRATA_GEMM_MR)
  static let depthBlock = 256
  static let rowBlock = 72
  static let columnBlock = 2048
  /// Products with at most this many rows read a row-major B in place instead of packing it.
  static let inPlaceRowLimit = 96

  /// A micro-kernel and the width of the B panels it reads.
  struct Kernel {
    /// One of `STRATA_GEMM_KERNEL_*`.
    let id: Int32
    /// Columns of a micro-tile.
    let columns: Int

    init(id: Int32) {
      self.id = id
      self.columns = Int(strata_gemm_panel_width(id))
    }

    /// The fastest kernel on this CPU.
    static let best = Kernel(id: strata_gemm_best_kernel())

    /// Every kernel this CPU can run: the portable one up to `best` (portable and NEON on
    /// arm64), and the narrow AVX-512 one where AVX-512 is available.
    static var available: [Kernel] {
      if best.id == STRATA_GEMM_KERNEL_NEON {
        return [Kernel(id: STRATA_GEMM_KERNEL_PORTABLE), best]
      }
      let ladder = (0...best.id).map(Kernel.init(id:))
      return best.id == STRATA_GEMM_KERNEL_AVX512 ? ladder + [narrow] : ladder
    }

    /// The kernel for a product with `n` columns: a narrow C (the 10 classes of a last
    /// Dense layer) wastes most of a 32-wide AVX-512 tile, so it takes a 16-wide one. All
    /// vector kernels give the same bits.
    static func forColumns(_ n: Int) -> Kernel {
      n <= 16 && best.id == STRATA_GEMM_KERNEL_AVX512 ? narrow : best
    }

    private static let narrow = Kernel(id: STRATA_GEMM_KERNEL_AVX512_NARROW)
  }

  /// A strided view of a matrix operand: element (i, j) of `op(X)`.
  struct Operand {
    let base: UnsafePointer<Float>
    let leadingDimension: Int
    let transposed: Bool
  }

  /// `c[i * ldc + j] (+)= Σₚ op(A)[i, p] · op(B)[p, j]` for i < m, j < n, p < k, with the
  /// given micro-kernel or the fastest one for the shape.
  static func multiply(
    m: Int, n: Int, k: Int, a: Operand, b: Operand,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, kernel chosen: Kernel? = nil
  ) {
    if m == 0 || n == 0 { return }
    let kernel = chosen ?? Kernel.forColumns(n)
    let microColumns = kernel.columns
    _ = AllocatorTuning.applied
    if k == 0 {
      if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
      return
    }
    let flops = 2 * m * n * k
    let threads = flops < 1_000_000 ? 1 : ComputeThreads.count
    if threads <= 1 {
      serial(
        m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, kernel: kernel)
      return
    }
    let cAddress = Int(bitPattern: c)
    if n >= m || m < microRows * threads {
      // Split the columns of C into NR-aligned parts.
      let panels = (n + microColumns - 1) / microColumns
      let parts = Swift.min(threads, panels)
      runParallel(parts: parts) { part in
        let first = panels * part / parts * microColumns
        let last = Swift.min(n, panels * (part + 1) / parts * microColumns)
        guard first < last else { return }
        let bPart = offset(b, row: 0, column: first)
        let cPart = UnsafeMutablePointer<Float>(bitPattern: cAddress)! + first
        serial(
          m: m, n: last - first, k: k, a: a, b: bPart, c: cPart, ldc: ldc, accumulate: accumulate,
          kernel: kernel)
      }
    } else {
      let panels = (m + microRows - 1) / microRows
      let parts = Swift.min(threads, panels)
      runParallel(parts: parts) { part in
        let first = panels * part / parts * microRows
        let last = Swift.min(m, panels * (part + 1) / parts * microRows)
        guard first < last else { return }
        let aPart = offset(a, row: first, column: 0)
        let cPart = UnsafeMutablePointer<Float>(bitPattern: cAddress)! + first * ldc
        serial(
          m: last - first, n: n, k: k, a: aPart, b: b, c: cPart, ldc: ldc, accumulate: accumulate,
          kernel: kernel)
      }
    }
  }

  /// The operand starting at element (row, column) of `op(X)`.
  private static func offset(_ x: Operand, row: Int, column: Int) -> Operand {
    let shift =
      x.transposed
      ? column * x.leadingDimension + row : row * x.leadingDimension + column
    return Operand(
      base: x.base + shift, leadingDimension: x.leadingDimension, transposed: x.transposed)
  }

  /// The depth of the blocks a product of depth `k` is summed in: equal blocks of at most
  /// `depthBlock` (784 = 4 × 196, not 3 × 256 + 16). Each element of C is one FMA chain per
  /// block, the blocks added in order.
  static func depthBlockSize(forDepth k: Int) -> Int {
    let depthBlocks = Swift.max(1, (k + depthBlock - 1) / depthBlock)
    return (k + depthBlocks - 1) / depthBlocks
  }

  private static func serial(
    m: Int, n: Int, k: Int, a: Operand, b: Operand,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, kernel: Kernel
  ) {
    let microColumns = kernel.columns
    let nBlockMax = Swift.min(n, columnBlock)
    let mBlockMax = Swift.min(m, rowBlock)
    let kBlockMax = depthBlockSize(forDepth: k)
    let packedBCount = roundUp(nBlockMax, microColumns) * kBlockMax
    let packedACount = roundUp(mBlockMax, microRows) * kBlockMax
    let packedB = allocateCacheAligned(packedBCount)
    let packedA = allocateCacheAligned(packedACount)
    defer {
      UnsafeMutableRawPointer(packedB).deallocate()
      UnsafeMutableRawPointer(packedA).deallocate()
    }
    var j0 = 0
    while j0 < n {
      let nc = Swift.min(columnBlock, n - j0)
      var p0 = 0
      while p0 < k {
        let kc = Swift.min(kBlockMax, k - p0)
        // With few rows of A each B panel is used only a few times, and packing it costs
        // about as much as using it: a row-major B is then read in place, panel by panel
        // (each row of a panel is contiguous), and only a ragged last panel is packed, for its
        // zero padding. Otherwise (and for a transposed B) the block is packed.
        // A row stride of a multiple of 512 bytes maps the rows of a panel to at most eight
        // of L1's 64 cache sets (a multiple of 4 KiB to one: 64×256·256×1024, an LSTM(256)'s
        // recurrent product, ran at half speed in place; 64×1024·1024×256, 1 KiB apart, at
        // 0.60× OpenBLAS in place and 0.75× packed on a Zen 3): such a B is packed too.
        let aliasing = b.leadingDimension % 128 == 0
        let fullPanels = b.transposed || m > inPlaceRowLimit || aliasing ? 0 : nc / microColumns
        let packedStart = fullPanels * microColumns
        if packedStart < nc {
          packB(
            b, rowStart: p0, rows: kc, columnStart: j0 + packedStart, columns: nc - packedStart,
            panelWidth: microColumns, into: packedB)
        }
        let addToC = accumulate || p0 > 0
        var i0 = 0
        while i0 < m {
          let mc = min(rowBlock, m - i0)
          // A row-major A is read in place (the kernel broadcasts one value at a time, so a
          // row stride costs nothing), unless its rows are a multiple of 2 KiB apart and the
          // block meets enough B panels to pay for packing: the six rows of a tile then share
          // a few L1 cache sets with the B panel and evict it (1024×1024·1024×1024 ran about
          // 10% slower in place on a Zen 3). A transposed one is always packed into MR-row
          // panels.
          let aBase: UnsafePointer<Float>
          let aRowStride: Int
          let aDepthStride: Int
          if a.transposed || (a.leadingDimension % 512 == 0 && nc >= 4 * microColumns) {
            packA(a, rowStart: i0, rows: mc, columnStart: p0, columns: kc, into: packedA)
            (aBase, aRowStride, aDepthStride) = (UnsafePointer(packedA), 1, microRows)
          } else {
            aBase = a.base + i0 * a.leadingDimension + p0
            (aRowStride, aDepthStride) = (a.leadingDimension, 1)
          }
          var jr = 0
          while jr < nc {
            let cols = min(microColumns, nc - jr)
            let (bPanel, bRowStride) =
              jr < packedStart
              ? (b.base + p0 * b.leadingDimension + j0 + jr, b.leadingDimension)
              : (UnsafePointer(packedB) + (jr - packedStart) * kc, microColumns)
            var ir = 0
            while ir < mc {
              let rows = min(microRows, mc - ir)
              let aPanel =
                aDepthStride == 1 ? aBase + ir * aRowStride : aBase + ir * kc
              strata_sgemm_micro(
                kernel.id, kc, aPanel, aRowStride, aDepthStride, bPanel, bRowStride,
                c + (i0 + ir) * ldc + j0 + jr, ldc,
                rows, cols, addToC ? 1 : 0)
              ir += microRows
            }
            jr += microColumns
          }
          i0 += mc
        }
        p0 += kc
      }
      j0 += nc
    }
  }

  /// A `k × n` right-hand operand packed once into the micro-kernel's panels, for a matrix
  /// multiplied by many left-hand sides (an RNN's recurrent kernel, once per time step).
  ///
  /// The layout is the one `serial` packs on the fly: depth blocks of `depthBlockSize(k)`
  /// rows, each holding every `columns`-wide panel of the block row by row, so a product with
  /// it sums in the same order, and gives the same bits, as one that packs B itself.
  final class PackedOperand: @unchecked Sendable {
    // Written once in `init`, then only read (by several threads at a time).
    let k: Int
    let n: Int
    let kernel: Kernel
    let storage: UnsafeMutablePointer<Float>

    init(_ b: Operand, k: Int, n: Int) {
      self.k = k
      self.n = n
      kernel = Kernel.forColumns(n)
      let width = GEMM.roundUp(n, kernel.columns)
      storage = GEMM.allocateCacheAligned(Swift.max(1, width * k))
      let depth = GEMM.depthBlockSize(forDepth: k)
      var p0 = 0
      while p0 < k {
        let kc = Swift.min(depth, k - p0)
        GEMM.packB(
          b, rowStart: p0, rows: kc, columnStart: 0, columns: n, panelWidth: kernel.columns,
          into: storage + p0 * width)
        p0 += kc
      }
    }

    deinit { UnsafeMutableRawPointer(storage).deallocate() }
  }

  /// `c (+)= a · B` for a row-major `a` `[m, k]` and a packed `B`, split over threads by
  /// panels of columns.
  static func multiply(
    m: Int, a: UnsafePointer<Float>, lda: Int, packed: PackedOperand,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
  ) {
    let (n, k) = (packed.n, packed.k)
    if m == 0 || n == 0 { return }
    _ = AllocatorTuning.applied
    if k == 0 {
      if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
      return
    }
    let nr = packed.kernel.columns
    let panels = (n + nr - 1) / nr
    let threads = 2 * m * n * k < 1_000_000 ? 1 : ComputeThreads.count
    let parts = Swift.min(threads, panels)
    let (aAddress, cAddress) = (Int(bitPattern: a), Int(bitPattern: c))
    runParallel(parts: parts) { part in
      let firstPanel = panels * part / parts
      let lastPanel = panels * (part + 1) / parts
      let a = UnsafePointer<Float>(bitPattern: aAddress)!
      let c = UnsafeMutablePointer<Float>(bitPattern: cAddress)!
      let width = roundUp(n, nr)
      let depth = depthBlockSize(forDepth: k)
      var p0 = 0
      while p0 < k {
        let kc = Swift.min(depth, k - p0)
        let block = UnsafePointer(packed.storage) + p0 * width
        let addToC = accumulate || p0 > 0
        var i0 = 0
        while i0 < m {
          let mc = Swift.min(rowBlock, m - i0)
          for panel in firstPanel..<lastPanel {
            let jr = panel * nr
            let cols = Swift.min(nr, n - jr)
            var ir = 0
            while ir < mc {
              strata_sgemm_micro(
                packed.kernel.id, kc, a + (i0 + ir) * lda + p0, lda, 1, block + jr * kc, nr,
                c + (i0 + ir) * ldc + jr, ldc, Swift.min(microRows, mc - ir), cols,
                addToC ? 1 : 0)
              ir += microRows
            }
          }
          i0 += mc
        }
        p0 += kc
      }
    }
  }

  /// Room for `count` floats starting on a 64-byte cache line. `malloc` only promises 16
  /// bytes, and a packed panel row that straddles two lines costs the micro-kernel a split
  /// load on every step (six alternating runs on a Xeon: two-thread 128×784·784×512 was
  /// faster aligned every time, by 3–15%).
  fileprivate static func allocateCacheAligned(_ count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
      .bindMemory(to: Float.self, capacity: count)
  }

  @inline(__always) fileprivate static func roundUp(_ value: Int, _ multiple: Int) -> Int {
    (value + multiple - 1) / multiple * multiple
  }

  /// Packs rows `rowStart..<rowStart+rows`, columns `columnStart..<+columns` of `op(A)` into
  /// panels of `microRows` rows, each stored column by column (zero-padded), with the C
  /// kernel `strata_gemm_pack_a`.
  private static func packA(
    _ a: Operand, rowStart: Int, rows: Int, columnStart: Int, columns: Int,
    into packed: UnsafeMutablePointer<Float>
  ) {
    let origin = offset(a, row: rowStart, column: columnStart).base
    strata_gemm_pack_a(origin, a.leadingDimension, a.transposed ? 1 : 0, rows, columns, packed)
  }

  /// Packs rows `rowStart..<+rows` (the k range), columns `columnStart..<+columns` of `op(B)`
  /// into panels of `nr` columns, each stored row by row (zero-padded at the right), with the
  /// C kernel `strata_gemm_pack_b`.
  fileprivate static func packB(
    _ b: Operand, rowStart: Int, rows: Int, columnStart: Int, columns: Int, panelWidth nr: Int,
    into packed: UnsafeMutablePointer<Float>
  ) {
    let origin = offset(b, row: rowStart, column: columnStart).base
    strata_gemm_pack_b(
      origin, b.leadingDimension, b.transposed ? 1 : 0, rows, columns, nr, packed)
  }
}
