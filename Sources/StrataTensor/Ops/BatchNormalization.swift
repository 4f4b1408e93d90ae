import Foundation

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
    // Statistics in Double for accuracy, one pass per statistic.
    var sums = [Double](repeating: 0, count: features)
    var squares = [Double](repeating: 0, count: features)
    var mean = [Float](repeating: 0, count: features)
    var variance = [Float](repeating: 0, count: features)
    scalars.withUnsafeBufferPointer { x in
      for r in 0..<rows {
        let row = x.baseAddress! + r * features
        for j in 0..<features { sums[j] += Double(row[j]) }
      }
      for j in 0..<features { mean[j] = Float(sums[j] / Double(rows)) }
      for r in 0..<rows {
        let row = x.baseAddress! + r * features
        for j in 0..<features {
          let d = Double(row[j] - mean[j])
          squares[j] += d * d
        }
      }
    }
    for j in 0..<features { variance[j] = Float(squares[j] / Double(rows)) }
    let invStd = (0..<features).map { 1 / Foundation.sqrt(variance[$0] + epsilon) }
    let g = gamma?.scalars ?? [Float](repeating: 1, count: features)
    let b = beta?.scalars ?? [Float](repeating: 0, count: features)
    let scale = (0..<features).map { invStd[$0] * g[$0] }
    let shift = (0..<features).map { b[$0] - mean[$0] * scale[$0] }
    var out = scalars
    out.withUnsafeMutableBufferPointer { y in
      for r in 0..<rows {
        let row = y.baseAddress! + r * features
        for j in 0..<features { row[j] = row[j] * scale[j] + shift[j] }
      }
    }
    let value = Tensor(shape: shape, storage: out)
    let statistics = (
      Tensor(shape: [features], storage: mean), Tensor(shape: [features], storage: variance)
    )
    let inputs = [self] + (gamma.map { [$0] } ?? []) + (beta.map { [$0] } ?? [])
    let hasGamma = gamma != nil
    let inputCount = inputs.count
    let x = detached
    let output = Tensor.record(value, inputs: inputs) { grad, needs in
      var sumDy = [Double](repeating: 0, count: features)
      var sumDyXhat = [Double](repeating: 0, count: features)
      for r in 0..<rows {
        for j in 0..<features {
          let dy = Double(grad.scalars[r * features + j])
          let xhat = Double((x.scalars[r * features + j] - mean[j]) * invStd[j])
          sumDy[j] += dy
          sumDyXhat[j] += dy * xhat
        }
      }
      var result: [Tensor?] = []
      if needs[0] {
        // The loss cannot change when a feature is shifted by a constant, so the exact input
        // gradient sums to zero over the batch. The closed form only does so up to the
        // rounding of the batch mean, and that residue has the same sign on every step: an
        // optimizer that normalises steps (Adam) would turn it into a steady drift of the
        // bias before the layer. Computing in Double and removing the per-feature mean of the
        // gradient keeps it exactly centred.
        var exact = [Double](repeating: 0, count: rows * features)
        var columnSums = [Double](repeating: 0, count: features)
        let n = Double(rows)
        for r in 0..<rows {
          for j in 0..<features {
            let dy = Double(grad.scalars[r * features + j])
            let xhat = (Double(x.scalars[r * features + j]) - Double(mean[j])) * Double(invStd[j])
            let value = Double(scale[j]) / n * (n * dy - sumDy[j] - xhat * sumDyXhat[j])
            exact[r * features + j] = value
            columnSums[j] += value
          }
        }
        var dx = [Float](repeating: 0, count: rows * features)
        for r in 0..<rows {
          for j in 0..<features {
            dx[r * features + j] = Float(exact[r * features + j] - columnSums[j] / n)
          }
        }
        result.append(Tensor(shape: x.shape, storage: dx))
      } else {
        result.append(nil)
      }
      if hasGamma {
        result.append(
          needs[1] ? Tensor(shape: [features], storage: sumDyXhat.map { Float($0) }) : nil)
      }
      if inputCount > result.count {
        result.append(
          needs[result.count] ? Tensor(shape: [features], storage: sumDy.map { Float($0) }) : nil)
      }
      return result
    }
    return BatchNormalizationResult(output: output, mean: statistics.0, variance: statistics.1)
  }
}
