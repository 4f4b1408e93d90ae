import Foundation
import StrataKernels

/// How many threads Strata's kernels may use.
///
/// The default is the number of active processors, or `STRATA_NUM_THREADS` when that
/// environment variable holds a positive integer. Work is split into fixed, contiguous parts
/// that do not depend on timing, so the same thread count always gives the same bits.
public enum ComputeThreads {
  private static let configured: Locked<Int> = {
    if let text = ProcessInfo.processInfo.environment["STRATA_NUM_THREADS"],
      let value = Int(text), value > 0
    {
      return Locked(value)
    }
    return Locked(Swift.max(1, ProcessInfo.processInfo.activeProcessorCount))
  }()

  /// The number of threads kernels split large work across (at least 1).
  public static var count: Int {
    get { configured.current }
    set { configured.withLock { $0 = Swift.max(1, newValue) } }
  }
}

/// Runs `body(part)` for every part in `0..<parts` on Strata's persistent worker pool (the
/// calling thread takes part too) and returns when all are done. Kernels called from `body`
/// run their parts one after another on its thread (still split by `ComputeThreads.count`, so
/// they give the same bits), which lets whole tasks — `predict`'s slices — run side by side
/// without meeting at every op.
package func runParallel(parts: Int, _ body: (Int) -> Void) {
  let threads = ComputeThreads.count
  if parts <= 1 || threads <= 1 {
    for part in 0..<parts { body(part) }
    return
  }
  withoutActuallyEscaping(body) { task in
    var box = task
    withUnsafeMutablePointer(to: &box) { pointer in
      strata_parallel_run(
        parts, Int32(Swift.min(threads, 64)),
        { context, part in
          context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(part)
        }, pointer)
    }
  }
}

/// Runs `body` over `0..<count` split into at most `ComputeThreads.count` contiguous ranges,
/// each at least `minimumChunk` long (one range, on the calling thread, when `count` is small).
@inline(__always)
func parallelRanges(count: Int, minimumChunk: Int, _ body: (Range<Int>) -> Void) {
  _ = AllocatorTuning.applied
  let parts = Swift.min(ComputeThreads.count, Swift.max(1, count / Swift.max(1, minimumChunk)))
  if parts <= 1 {
    body(0..<count)
    return
  }
  runParallel(parts: parts) { part in
    body((count * part / parts)..<(count * (part + 1) / parts))
  }
}

/// Element counts below which elementwise kernels stay on one thread.
let elementwiseParallelThreshold = 1 << 16
