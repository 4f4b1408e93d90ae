/// A weight multiplied by many inputs in one computation — an RNN's recurrent kernel, once
/// per time step — as `x.matmul(weight)` with the same values and gradients, but cheaper.
///
/// The weight `[k, n]` is packed for the GEMM once (and its transpose once, for the inputs'
/// gradients) instead of at every product, and its own gradient `Σᵢ xᵢᵀ · gᵢ` is one GEMM
/// over every product, formed when the backward pass reaches the weight, instead of one
/// small GEMM and one full-size addition per product.
///
/// ```swift
/// let recurrent = RepeatedProduct(weight: u)
/// for t in 0..<steps { h = (projection[t] + recurrent(h)).tanh() }
/// ```
public final class RepeatedProduct: Sendable {
  /// The weight as the products use it (a traced copy when the weight is traced).
  public let weight: Tensor
  private let packed: GEMM.PackedOperand
  private let transpose: TransposedPacking
  private let deferred: DeferredGradient?

  /// Packs `weight` `[k, n]` for the products.
  public init(weight: Tensor) {
    precondition(
      weight.rank == 2, "RepeatedProduct: the weight must be a matrix, got shape \(weight.shape)")
    let (k, n) = (weight.shape[0], weight.shape[1])
    transpose = TransposedPacking(weight.detached)
    packed = weight.scalars.withUnsafeBufferPointer { buffer in
      GEMM.PackedOperand(
        .init(base: buffer.baseAddress!, leadingDimension: n, transposed: false), k: k, n: n)
    }
    guard weight.isTraced else {
      self.weight = weight
      self.deferred = nil
      return
    }
    // Every product adds its input and its output's gradient here; the weight's gradient
    // Σ xᵢᵀ·gᵢ is summed by the GEMM into one buffer. Products of few rows (a recurrence's
    // slice of a batch: 32 rows) are stacked a few at a time, so each GEMM sums at least
    // `depthBlock` rows at once rather than reading and writing the whole [k, n] gradient
    // after every 32-deep sum.
    let deferred = DeferredGradient { pieces in
      var sum = uninitializedScalars(k * n)
      var start = 0
      sum.withUnsafeMutableBufferPointer { c in
        while start < pieces.count {
          var end = start + 1
          var depth = pieces[start].0.shape[0]
          while end < pieces.count, depth < GEMM.depthBlock {
            depth += pieces[end].0.shape[0]
            end += 1
          }
          let group = pieces[start..<end]
          let inputs = group.count == 1 ? group.first!.0.scalars : group.flatMap(\.0.scalars)
          let gradients = group.count == 1 ? group.first!.1.scalars : group.flatMap(\.1.scalars)
          inputs.withUnsafeBufferPointer { a in
            gradients.withUnsafeBufferPointer { b in
              GEMM.multiply(
                m: k, n: n, k: depth,
                a: .init(base: a.baseAddress!, leadingDimension: k, transposed: true),
                b: .init(base: b.baseAddress!, leadingDimension: n, transposed: false),
                c: c.baseAddress!, ldc: n, accumulate: start > 0)
            }
          }
          start = end
        }
      }
      return Tensor(shape: [k, n], storage: sum)
    }
    self.weight = Tensor.record(weight.detached, inputs: [weight], deferred: deferred) {
      grad, _ in [grad]
    }
    self.deferred = deferred
  }

  /// `x · weight` for `x` `[m, k]`, with `matmul`'s gradients.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    product(x, adding: nil)
  }

  /// `addend + x · weight` for `x` `[m, k]` and `addend` `[m, n]` (a time step's input
  /// projection), the product summed into a copy of `addend` by the GEMM.
  public func callAsFunction(_ x: Tensor, adding addend: Tensor) -> Tensor {
    product(x, adding: addend)
  }

  private func product(_ x: Tensor, adding addend: Tensor?) -> Tensor {
    precondition(
      x.rank == 2 && x.shape[1] == packed.k,
      "RepeatedProduct: inputs must be [m, \(packed.k)], got \(x.shape)")
    if let addend {
      precondition(
        addend.shape == [x.shape[0], packed.n],
        "RepeatedProduct: the addend must be [\(x.shape[0]), \(packed.n)], got \(addend.shape)")
    }
    let value = Self.product(x, packed, adding: addend)
    let inputs = [x, weight] + (addend.map { [$0] } ?? [])
    guard inputs.contains(where: \.isTraced) else { return value }
    let input = x.detached
    // The pullback holds untraced values only, so the tape never keeps itself alive.
    let (deferred, transpose) = (self.deferred, self.transpose)
    return Tensor.record(value, inputs: inputs) { grad, needs in
      if needs[1] { deferred?.add(input, grad) }
      let gradInput = needs[0] ? Self.product(grad, transpose.packed(), adding: nil) : nil
      return [gradInput, nil] + (needs.count > 2 ? [needs[2] ? grad : nil] : [])
    }
  }

  /// The weight's transpose, packed on the first backward product.
  private final class TransposedPacking: Sendable {
    private let weight: Tensor
    private let cache = Locked<GEMM.PackedOperand?>(nil)

    init(_ weight: Tensor) { self.weight = weight }

    func packed() -> GEMM.PackedOperand {
      cache.withLock { cached in
        if let cached { return cached }
        let (k, n) = (weight.shape[0], weight.shape[1])
        let made = weight.scalars.withUnsafeBufferPointer { buffer in
          GEMM.PackedOperand(
            .init(base: buffer.baseAddress!, leadingDimension: n, transposed: true), k: n, n: k)
        }
        cached = made
        return made
      }
    }
  }

  private static func product(_ x: Tensor, _ packed: GEMM.PackedOperand, adding addend: Tensor?)
    -> Tensor
  {
    let m = x.shape[0]
    var out = addend?.scalars ?? uninitializedScalars(m * packed.n)
    x.scalars.withUnsafeBufferPointer { a in
      out.withUnsafeMutableBufferPointer { c in
        GEMM.multiply(
          m: m, a: a.baseAddress!, lda: packed.k, packed: packed, c: c.baseAddress!,
          ldc: packed.n, accumulate: addend != nil)
      }
    }
    return Tensor(shape: [m, packed.n], storage: out)
  }
}
