import Foundation
import StrataKernels

// Batch normalization over every axis but the last, fused into one op with its gradient.

extension Tensor {
  /// The result of normalising a batch: the output and the batch statistics that produced it.
  public struct BatchNormalizationResult {
    /// `gamma · (x − mean) / √(variance + ε) + beta`.
    public var output: Tensor
    /// The per-feature batch mean, shape `[features]`.
    public var mean: Tensor
    /// The per-feature biased (population) batch variance, shape `[features]`, as Keras uses.
    public var variance: Tensor
  }

  /// Normalises with the batch's own statistics, reduced over every axis but the last
  /// (Keras's `BatchNormalization` in training mode; the variance is biased, as in Keras).
  ///
  /// Computes `inv = γ / √(σ² + ε)`, `y = x·inv + (β − μ·inv)`. The input gradient is the
  /// closed form `dx = inv/N · (N·dy − Σdy − x̂·Σ(dy·x̂))`, so no intermediate is recorded.
  public func batchNormalized(
    gamma: Tensor?, beta: Tensor?, epsilon: Float
  ) -> BatchNormalizationResult {
    precondition(rank >= 1, "batchNormalized: needs rank ≥ 1, got a scalar")
    let features = shape[rank - 1]
    let rows = features == 0 ? 0 : scalarCount / features
    if let gamma {
      precondition(
        gamma.shape == [features], "batchNormalized: gamma \(gamma.shape) for \(features) features")
    }
    if let beta {
      precondition(
        beta.shape == [features], "batchNormalized: beta \(beta.shape) for \(features) features")
    }
    precondition(rows > 0, "batchNormalized: empty batch of shape \(shape)")
    // Statistics in Double for accuracy (a C kernel, vectorised across features).
    var mean = [Float](repeating: 0, count: features)
    var variance = [Float](repeating: 0, count: features)
    scalars.withUnsafeBufferPointer { x in
      mean.withUnsafeMutableBufferPointer { mu in
        variance.withUnsafeMutableBufferPointer { sigma in
          let (px, pm, pv) = (x.baseAddress!, mu.baseAddress!, sigma.baseAddress!)
          Tensor.forFeatureRanges(rows: rows, features: features) { range in
            strata_batch_norm_statistics(
              rows, features, range.lowerBound, range.upperBound, px, pm, pv)
          }
        }
      }
    }
    let invStd = (0..<features).map { 1 / Foundation.sqrt(variance[$0] + epsilon) }
    let g = gamma?.scalars ?? [Float](repeating: 1, count: features)
    let b = beta?.scalars ?? [Float](repeating: 0, count: features)
    let scale = (0..<features).map { invStd[$0] * g[$0] }
    let shift = (0..<features).map { b[$0] - mean[$0] * scale[$0] }
    let out = [Float](unsafeUninitializedCapacity: scalarCount) { y, initialized in
      scalars.withUnsafeBufferPointer { x in
        let (px, py) = (x.baseAddress!, y.baseAddress!)
        Tensor.forFeatureRanges(rows: rows, features: features) { range in
          strata_batch_norm_affine(
            rows, features, range.lowerBound, range.upperBound, px, scale, shift, py)
        }
      }
      initialized = scalarCount
    }
    let value = Tensor(shape: shape, storage: out)
    let statistics = (
      Tensor(shape: [features], storage: mean), Tensor(shape: [features], storage: variance)
    )
    let inputs = [self] + (gamma.map { [$0] } ?? []) + (beta.map { [$0] } ?? [])
    let hasGamma = gamma != nil
    let inputCount = inputs.count
    let x = detached
    let batchMean = mean
    let output = Tensor.record(value, inputs: inputs) { grad, needs in
      // The loss cannot change when a feature is shifted by a constant, so the exact input
      // gradient sums to zero over the batch. The closed form only does so up to the
      // rounding of the batch mean, and that residue has the same sign on every step: an
      // optimizer that normalises steps (Adam) would turn it into a steady drift of the bias
      // before the layer. The kernel computes in Double and removes the per-feature mean of
      // the gradient, so it stays exactly centred.
      var sumDy = [Float](repeating: 0, count: features)
      var sumDyXhat = [Float](repeating: 0, count: features)
      // One kernel pass gives the sums and, when asked for, dx (every element written).
      func pullback(into dx: UnsafeMutablePointer<Float>?) {
        grad.scalars.withUnsafeBufferPointer { dy in
          x.scalars.withUnsafeBufferPointer { px in
            sumDy.withUnsafeMutableBufferPointer { sd in
              sumDyXhat.withUnsafeMutableBufferPointer { sdx in
                let (pdy, pxx, psd, psdx) = (
                  dy.baseAddress!, px.baseAddress!, sd.baseAddress!, sdx.baseAddress!
                )
                Tensor.forFeatureRanges(rows: rows, features: features) { range in
                  strata_batch_norm_backward(
                    rows, features, range.lowerBound, range.upperBound, pdy, pxx, batchMean, invStd,
                    scale, dx, psd, psdx)
                }
              }
            }
          }
        }
      }
      var dx: [Float]? = nil
      if needs[0] {
        dx = [Float](unsafeUninitializedCapacity: rows * features) { buffer, initialized in
          pullback(into: buffer.baseAddress!)
          initialized = rows * features
        }
      } else {
        pullback(into: nil)
      }
      var result: [Tensor?] = [dx.map { Tensor(shape: x.shape, storage: $0) }]
      if hasGamma {
        result.append(needs[1] ? Tensor(shape: [features], storage: sumDyXhat) : nil)
      }
      if inputCount > result.count {
        result.append(needs[result.count] ? Tensor(shape: [features], storage: sumDy) : nil)
      }
      return result
    }
    return BatchNormalizationResult(output: output, mean: statistics.0, variance: statistics.1)
  }

  /// Runs `body` over the features `0..<features`, split into ranges of whole 16-feature groups
  /// over the compute threads when the batch is large enough.
  static func forFeatureRanges(rows: Int, features: Int, _ body: (Range<Int>) -> Void) {
    if rows * features < elementwiseParallelThreshold {
      body(0..<features)
      return
    }
    let groups = (features + 15) / 16
    parallelRanges(count: groups, minimumChunk: 1) { range in
      body((range.lowerBound * 16)..<Swift.min(features, range.upperBound * 16))
    }
  }
}
