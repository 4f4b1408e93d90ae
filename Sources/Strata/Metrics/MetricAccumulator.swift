/// The running state of one metric over an epoch or an evaluation, Keras's `update_state`,
/// `result` and `reset_state`. A ``Metric`` makes a fresh one for each run.
public protocol MetricAccumulator: AnyObject {
  /// Adds a batch (the prediction is untraced), each sample counted with its weight (all 1
  /// when `sampleWeight` is nil).
  func update(target: Tensor, prediction: Tensor, sampleWeight: Tensor?)
  /// The current value.
  var result: Float { get }
  /// Forgets everything seen (at the start of each epoch and evaluation).
  func reset()
  /// The state as sums that add across shards of the data (totals, counts, confusion
  /// counts), of a length fixed at creation: data-parallel training sums it over the
  /// processes so that every one reports the global metric. An accumulator that returns `[]`
  /// (the default) reports the metric of its own process's data.
  var summableState: [Double] { get set }
}

extension MetricAccumulator {
  /// No summable state: the metric is not combined across processes.
  public var summableState: [Double] {
    get { [] }
    set {}
  }

  /// Adds a batch with every sample weighing 1.
  public func update(target: Tensor, prediction: Tensor) {
    update(target: target, prediction: prediction, sampleWeight: nil)
  }
}

/// Keras's `MeanMetricWrapper`: `total += Σ values`, `count += number of values` — the
/// accumulator of every metric that is a mean of per-sample values.
public final class MeanAccumulator: MetricAccumulator {
  private let values: (Tensor, Tensor) -> Tensor
  private var total: Double = 0
  private var count: Double = 0

  /// Accumulates the mean of `values(target, prediction)` (weighted by sample weights).
  public init(_ values: @escaping (_ target: Tensor, _ prediction: Tensor) -> Tensor) {
    self.values = values
  }

  /// Adds the batch's values.
  public func update(target: Tensor, prediction: Tensor, sampleWeight: Tensor?) {
    let batch = values(target, prediction)
    guard let sampleWeight, batch.rank >= 1, sampleWeight.scalarCount == batch.shape[0] else {
      total += batch.scalars.reduce(0.0) { $0 + Double($1) }
      count += Double(batch.scalarCount)
      return
    }
    // Keras's weighted metrics: Σ w·v / Σ w, each weight covering its sample's values.
    let perSample = batch.scalarCount / Swift.max(1, batch.shape[0])
    for (i, value) in batch.scalars.enumerated() {
      let weight = Double(sampleWeight.scalars[i / Swift.max(1, perSample)])
      total += weight * Double(value)
      count += weight
    }
  }

  /// `Σ w·v / Σ w`.
  public var result: Float { count > 0 ? Float(total / count) : 0 }

  /// `[Σ w·v, Σ w]`.
  public var summableState: [Double] {
    get { [total, count] }
    set {
      guard newValue.count == 2 else { return }
      (total, count) = (newValue[0], newValue[1])
    }
  }

  /// Starts over.
  public func reset() {
    total = 0
    count = 0
  }
}

/// Keras's `Mean`, fed one scalar per batch weighted by the batch size (the loss tracker).
final class WeightedMean {
  private var total: Double = 0
  private var weight: Double = 0

  func add(_ value: Float, weight: Int) {
    total += Double(value) * Double(weight)
    self.weight += Double(weight)
  }

  var result: Float { weight > 0 ? Float(total / weight) : 0 }

  /// `(Σ value · weight, Σ weight)`, to sum across processes.
  var sums: (sum: Double, count: Double) {
    get { (total, weight) }
    set { (total, weight) = (newValue.sum, newValue.count) }
  }

  func reset() {
    total = 0
    weight = 0
  }
}

/// True/false positive and false negative counts at one threshold (precision, recall).
final class ConfusionAccumulator: MetricAccumulator {
  private let threshold: Float
  private let options: ConfusionOptions
  private let formula: (_ tp: Float, _ fp: Float, _ fn: Float) -> Float
  private var truePositives: Float = 0
  private var falsePositives: Float = 0
  private var falseNegatives: Float = 0

  init(
    options: ConfusionOptions = ConfusionOptions(),
    formula: @escaping (Float, Float, Float) -> Float
  ) {
    self.threshold = options.effectiveThreshold
    self.options = options
    self.formula = formula
  }

  func update(target: Tensor, prediction: Tensor, sampleWeight: Tensor?) {
    let (truth, predicted) = options.select(target: target, prediction: prediction)
    let perSample = predicted.count / Swift.max(1, prediction.shape.first ?? 1)
    for (i, (y, p)) in zip(truth, predicted).enumerated() {
      let weight = sampleWeight.map { $0.scalars[i / Swift.max(1, perSample)] } ?? 1
      let positive = p > threshold
      let actual = y > 0.5
      if positive && actual { truePositives += weight }
      if positive && !actual { falsePositives += weight }
      if !positive && actual { falseNegatives += weight }
    }
  }

  var result: Float { formula(truePositives, falsePositives, falseNegatives) }

  var summableState: [Double] {
    get { [Double(truePositives), Double(falsePositives), Double(falseNegatives)] }
    set {
      guard newValue.count == 3 else { return }
      truePositives = Float(newValue[0])
      falsePositives = Float(newValue[1])
      falseNegatives = Float(newValue[2])
    }
  }

  func reset() {
    truePositives = 0
    falsePositives = 0
    falseNegatives = 0
  }
}
