import StrataKernels

/// Keeps glibc from returning every large tensor buffer to the kernel as soon as it is freed.
///
/// A training step allocates and frees buffers of a few hundred kilobytes (activations,
/// gradients, gathered mini-batches). Above glibc's default 128 KiB `mmap` threshold each of
/// them is a fresh `mmap`, page-faulted in and `munmap`ed again, which cost more system time
/// than the arithmetic itself. Raising the threshold (and the trim threshold with it) lets
/// `free` keep those pages for the next step. Applied once, by the first GEMM, element-wise
/// pass or gradient computation.
enum AllocatorTuning {
  static let applied: Bool = {
    strata_tune_allocator()
    return true
  }()
}
