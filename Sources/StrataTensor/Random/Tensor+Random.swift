import StrataKernels

extension Tensor {
  /// Values drawn uniformly from `[lowerBound, upperBound)`.
  public static func uniform(
    _ shape: [Int], lowerBound: Float = 0, upperBound: Float = 1,
    generator: inout RandomGenerator
  ) -> Tensor {
    let span = upperBound - lowerBound
    let count = shape.reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    for i in 0..<count { values[i] = lowerBound + span * generator.nextUnitFloat() }
    return Tensor(shape: shape, scalars: values)
  }

  /// Values drawn from a normal distribution N(mean, standardDeviation²).
  public static func normal(
    _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
    generator: inout RandomGenerator
  ) -> Tensor {
    let count = shape.reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    for i in 0..<count { values[i] = mean + standardDeviation * generator.nextNormal() }
    return Tensor(shape: shape, scalars: values)
  }

  /// Normal values redrawn until they lie within two standard deviations of the mean, as
  /// Keras's `TruncatedNormal` and the `truncated_normal` variance-scaling initializers do.
  public static func truncatedNormal(
    _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
    generator: inout RandomGenerator
  ) -> Tensor {
    let count = shape.reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    for i in 0..<count {
      var z = generator.nextNormal()
      while Swift.abs(z) > 2 { z = generator.nextNormal() }
      values[i] = mean + standardDeviation * z
    }
    return Tensor(shape: shape, scalars: values)
  }

  /// A mask whose entries are `value` (1 by default) with probability `probability` and 0
  /// otherwise: entry i is `value` when the generator's i-th `nextUnitFloat()` is below
  /// `probability`. Dropout passes `value: 1 / keep` to get its scaled mask in one pass.
  public static func bernoulli(
    _ shape: [Int], probability: Float, value: Float = 1, generator: inout RandomGenerator
  ) -> Tensor {
    let count = shape.reduce(1, *)
    let start = generator.takeDraws(count)
    let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      let out = buffer.baseAddress!
      parallelRanges(count: count, minimumChunk: elementwiseParallelThreshold) { range in
        strata_bernoulli(
          start, range.lowerBound, range.count, probability, value, out + range.lowerBound)
      }
      initialized = count
    }
    return Tensor(shape: shape, storage: values)
  }
}

extension RandomGenerator {
  /// A random permutation of `0..<count` (Fisher–Yates), used to shuffle mini-batches.
  public mutating func permutation(_ count: Int) -> [Int] {
    var indices = Array(0..<count)
    if count < 2 { return indices }
    for i in stride(from: count - 1, to: 0, by: -1) {
      let j = nextIndex(below: i + 1)
      indices.swapAt(i, j)
    }
    return indices
  }
}
