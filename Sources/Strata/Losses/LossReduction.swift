/// How a loss turns the values of a batch into the batch loss, Keras's `reduction=`.
///
/// With values `v`, sample weights `w` (1 without) and, when the model's output carries a
/// time-step mask or the loss ignores a class, a mask `m`:
///
/// | Case | Keras | Batch loss |
/// |---|---|---|
/// | ``sumOverBatchSize`` | `"sum_over_batch_size"` (default) | `Σ v·w·m / Σ m` (`/ N` without a mask) |
/// | ``mean`` | `"mean"` | the same |
/// | ``sum`` | `"sum"` | `Σ v·w·m` |
/// | ``meanWithSampleWeight`` | `"mean_with_sample_weight"` | `Σ v·w·m / Σ w·m` |
/// | ``none`` | `None` / `"none"` | the values themselves |
///
/// A division by zero (no valid value, all weights 0) gives 0, as Keras's `divide_no_nan`.
/// `fit` and `evaluate` need one number per batch, so they refuse ``none``, as Keras's
/// gradient does; call the loss with ``Loss/callAsFunction(target:prediction:sampleWeight:)``
/// to see the values.
public enum LossReduction: String, CaseIterable, Sendable {
  /// The sum divided by the number of values (the valid ones under a mask).
  case sumOverBatchSize = "sum_over_batch_size"
  /// The sum of the weighted values.
  case sum
  /// Keras's `"mean"`: the same as ``sumOverBatchSize``.
  case mean
  /// The sum divided by the sum of the sample weights.
  case meanWithSampleWeight = "mean_with_sample_weight"
  /// No reduction: the weighted values.
  case none
}

extension LossReduction: ConfigurationRepresentable {
  /// Keras's string; ``none`` as `null`, as Keras writes `reduction=None`.
  public var configurationValue: ConfigurationValue {
    self == .none ? .null : .string(rawValue)
  }

  /// Reads Keras's string, or `null` for ``none``.
  public init(configurationValue value: ConfigurationValue) throws {
    if value == .null {
      self = .none
      return
    }
    guard let reduction = LossReduction(rawValue: try String(configurationValue: value)) else {
      throw unexpected(
        value,
        expected:
          "one of \(LossReduction.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))"
      )
    }
    self = reduction
  }
}

extension Configuration {
  /// The `reduction` key of a loss's configuration; Keras's default when it is missing.
  func lossReduction() throws -> LossReduction {
    guard let value = self["reduction"] else { return .sumOverBatchSize }
    return try LossReduction(configurationValue: value)
  }
}

extension Loss {
  /// The batch loss from `values` (one per sample, or one per sample and step), as Keras's
  /// `reduce_weighted_values`: `sampleWeight` (`[N]`, repeated over each sample's steps) and
  /// `mask` (1 for a value that counts, 0 for one that does not, of the values' shape) weight
  /// the values, then ``reduction`` applies.
  func reduce(_ values: Tensor, sampleWeight: Tensor?, mask: Tensor? = nil) -> Tensor {
    if values.rank == 0 || values.scalarCount == 0 { return values }
    let count = values.scalarCount
    var weight = sampleWeight.map { repeatingSampleWeights($0, toCount: count) }
    if let mask {
      let flatMask = mask.reshaped(to: [count])
      var maskWeight = flatMask
      if reduction == .sumOverBatchSize || reduction == .mean {
        // Valid values weigh total/valid, so the division by the count below is one by the
        // number of valid values.
        let valid = flatMask.sum().scalar
        maskWeight = flatMask * (valid > 0 ? Float(count) / valid : 0)
      }
      weight = weight.map { $0 * maskWeight } ?? maskWeight
    }
    let flat = values.reshaped(to: [count])
    let weighted = weight.map { flat * $0 } ?? flat
    switch reduction {
    case .none:
      return weighted.reshaped(to: values.shape)
    case .sum:
      return weighted.sum()
    case .sumOverBatchSize, .mean:
      return weighted.sum() / Float(count)
    case .meanWithSampleWeight:
      guard let weight else { return weighted.sum() / Float(count) }
      let total = weight.sum().scalar
      return total == 0 ? weighted.sum() * 0 : weighted.sum() / total
    }
  }
}

/// Sample weights `[N]` repeated over each sample's `count / N` values (a weight per time step
/// of a sequence output), flattened.
func repeatingSampleWeights(_ weights: Tensor, toCount count: Int) -> Tensor {
  let flat = weights.reshaped(to: [-1])
  let samples = flat.scalarCount
  guard samples > 0, count != samples, count % samples == 0 else { return flat }
  let steps = count / samples
  return (flat.reshaped(to: [samples, 1]) * Tensor.ones([1, steps])).reshaped(to: [count])
}
