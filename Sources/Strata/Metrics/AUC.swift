import Foundation

/// The area under a curve of confusion counts, Keras's `AUC`: true and false positives are
/// counted at `numThresholds` thresholds (`i / (n − 1)`, with −ε and 1 + ε at the ends, or the
/// `thresholds` given), and the area is summed over them.
///
/// - `curve: .roc` (default): true-positive rate against false-positive rate.
/// - `curve: .pr`: precision against recall; with `summationMethod: .interpolation` (default),
///   Davis & Goadrich's interpolation, as Keras's `interpolate_pr_auc`.
/// - `curve: .prGain`: precision gain against recall gain (Flach & Kull 2015).
///
/// `summationMethod` `.minoring`/`.majoring` takes the lower/higher end of each interval
/// instead of the trapezoid. `fromLogits` applies a sigmoid to the predictions first. With
/// `multiLabel`, each output column (label) has its own counts and the result is the mean of
/// the labels' areas (weighted by `labelWeights`); otherwise every column counts as one more
/// sample, each weighed by its label's weight.
public struct AUC: Metric {
  /// Which curve's area is taken, Keras's `curve`.
  public enum Curve: String, CaseIterable, Sendable {
    /// The receiver operating characteristic, `"ROC"`.
    case roc = "ROC"
    /// Precision against recall, `"PR"`.
    case pr = "PR"
    /// Precision gain against recall gain, `"PRGAIN"`.
    case prGain = "PRGAIN"
  }

  /// How each interval between thresholds adds to the area, Keras's `summation_method`.
  public enum SummationMethod: String, CaseIterable, Sendable {
    /// The trapezoid (for PR, Davis & Goadrich's interpolation).
    case interpolation
    /// The lower end of the interval.
    case minoring
    /// The higher end of the interval.
    case majoring
  }

  /// The number of thresholds (Keras default 200), at least 2; with `thresholds`, their
  /// count plus 2.
  public var numThresholds: Int
  /// The curve (Keras default ROC).
  public var curve: Curve
  /// The summation (Keras default interpolation).
  public var summationMethod: SummationMethod
  /// Thresholds in [0, 1] to use instead of evenly spaced ones (Keras's `thresholds`).
  public var thresholds: [Float]?
  /// Whether each label has its own curve (Keras's `multi_label`, default false).
  public var multiLabel: Bool
  /// The number of labels when `multiLabel` (Keras's `num_labels`; by default the output's
  /// last axis).
  public var numLabels: Int?
  /// A weight per label (Keras's `label_weights`).
  public var labelWeights: [Float]?
  /// Whether predictions are logits (Keras's `from_logits`, default false).
  public var fromLogits: Bool

  /// Creates the metric with Keras's defaults: ROC from 200 thresholds, interpolated.
  public init(
    numThresholds: Int = 200, curve: Curve = .roc,
    summationMethod: SummationMethod = .interpolation, thresholds: [Float]? = nil,
    multiLabel: Bool = false, numLabels: Int? = nil, labelWeights: [Float]? = nil,
    fromLogits: Bool = false
  ) {
    self.numThresholds = thresholds.map { $0.count + 2 } ?? numThresholds
    self.curve = curve
    self.summationMethod = summationMethod
    self.thresholds = thresholds
    self.multiLabel = multiLabel
    self.numLabels = numLabels
    self.labelWeights = labelWeights
    self.fromLogits = fromLogits
  }

  /// `auc`.
  public var name: String { "auc" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// The thresholds counted at: −ε, the given or evenly spaced ones, 1 + ε.
  var thresholdValues: [Float] {
    let epsilon: Float = 1e-7
    let inner =
      thresholds?.sorted()
      ?? (1..<Swift.max(1, numThresholds - 1)).map { Float($0) / Float(numThresholds - 1) }
    return [-epsilon] + inner + [1 + epsilon]
  }

  /// Confusion counts at every threshold, per label with `multiLabel`.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    let columns = Swift.max(1, resolution.outputShape.last ?? 1)
    return AUCAccumulator(metric: self, labels: multiLabel ? (numLabels ?? columns) : 1)
  }

  /// Keras's `num_thresholds`, `curve`, `summation_method`, `thresholds`, `multi_label`,
  /// `num_labels`, `label_weights` and `from_logits`.
  public var configuration: Configuration {
    [
      "num_thresholds": numThresholds, "curve": curve.rawValue,
      "summation_method": summationMethod.rawValue, "thresholds": thresholds,
      "multi_label": multiLabel, "num_labels": numLabels, "label_weights": labelWeights,
      "from_logits": fromLogits,
    ]
  }

  /// Rebuilds the metric; missing keys take Keras's defaults. Refuses what Keras refuses.
  public init(configuration: Configuration) throws {
    let count: Int = try configuration.value("num_thresholds", default: 200)
    let thresholds: [Float]? = try configuration.value("thresholds")
    guard thresholds != nil || (2...1_000_000).contains(count) else {
      throw StrataError(
        .invalidArgument,
        "Argument `num_thresholds` must be an integer > 1 (and at most 1000000). Received: num_thresholds=\(count)"
      )
    }
    if let thresholds, thresholds.count > 1_000_000 || !thresholds.allSatisfy({ $0.isFinite }) {
      throw StrataError(
        .invalidArgument, "`thresholds` must be at most 1000000 finite numbers")
    }
    let curveName: String = try configuration.value("curve", default: "ROC")
    let methodName: String = try configuration.value(
      "summation_method", default: "interpolation")
    guard let curve = Curve(rawValue: curveName.uppercased()),
      let method = SummationMethod(rawValue: methodName.lowercased())
    else {
      throw StrataError(
        .invalidArgument,
        "Invalid AUC curve or summation method: curve=\(curveName), summation_method=\(methodName). Expected curve ROC, PR or PRGAIN and summation_method interpolation, minoring or majoring."
      )
    }
    let multiLabel: Bool = try configuration.value("multi_label", default: false)
    let numLabels: Int? = try configuration.value("num_labels")
    if let numLabels, !(1...1_000_000).contains(numLabels) {
      throw StrataError(
        .invalidArgument, "`num_labels` must be in 1...1000000. Received: \(numLabels)")
    }
    if numLabels != nil && !multiLabel {
      throw StrataError(
        .invalidArgument, "`num_labels` is needed only when `multi_label` is True.")
    }
    self.init(
      numThresholds: count, curve: curve, summationMethod: method, thresholds: thresholds,
      multiLabel: multiLabel, numLabels: numLabels,
      labelWeights: try configuration.value("label_weights"),
      fromLogits: try configuration.value("from_logits", default: false))
  }
}

extension Metric where Self == AUC {
  /// The area under the ROC curve from 200 thresholds.
  public static var auc: AUC { AUC() }

  /// The area under a curve, with every argument of Keras's `AUC`.
  public static func auc(
    numThresholds: Int = 200, curve: AUC.Curve = .roc,
    summationMethod: AUC.SummationMethod = .interpolation, thresholds: [Float]? = nil,
    multiLabel: Bool = false, numLabels: Int? = nil, labelWeights: [Float]? = nil,
    fromLogits: Bool = false
  ) -> AUC {
    AUC(
      numThresholds: numThresholds, curve: curve, summationMethod: summationMethod,
      thresholds: thresholds, multiLabel: multiLabel, numLabels: numLabels,
      labelWeights: labelWeights, fromLogits: fromLogits)
  }
}

/// Keras's AUC state: true and false positives at every threshold (per label with
/// `multiLabel`), and the weighted counts of positives and negatives; the rest of the
/// confusion counts follow from them.
final class AUCAccumulator: MetricAccumulator {
  private let metric: AUC
  private let thresholds: [Float]
  private let labels: Int
  /// `[label][threshold]`, flattened.
  private var truePositives: [Double]
  private var falsePositives: [Double]
  private var positives: [Double]
  private var negatives: [Double]

  init(metric: AUC, labels: Int) {
    self.metric = metric
    self.labels = labels
    thresholds = metric.thresholdValues
    truePositives = [Double](repeating: 0, count: labels * thresholds.count)
    falsePositives = truePositives
    positives = [Double](repeating: 0, count: labels)
    negatives = positives
  }

  func update(target: Tensor, prediction: Tensor, sampleWeight: Tensor?) {
    let perSample = Swift.max(1, prediction.scalarCount / Swift.max(1, prediction.shape.first ?? 1))
    let columns = Swift.max(1, prediction.shape.last ?? 1)
    let weights = sampleWeight?.scalars
    let count = thresholds.count
    for (index, (y, raw)) in zip(target.scalars, prediction.scalars).enumerated() {
      let p = metric.fromLogits ? 1 / (1 + Foundation.exp(-raw)) : raw
      let column = index % columns
      var weight = Double(weights.map { $0[Swift.min(index / perSample, $0.count - 1)] } ?? 1)
      if !metric.multiLabel, let labelWeights = metric.labelWeights, column < labelWeights.count {
        weight *= Double(labelWeights[column])
      }
      let label = metric.multiLabel ? Swift.min(column, labels - 1) : 0
      let actual = y > 0.5
      if actual { positives[label] += weight } else { negatives[label] += weight }
      let base = label * count
      for (i, threshold) in thresholds.enumerated() where p > threshold {
        if actual { truePositives[base + i] += weight } else { falsePositives[base + i] += weight }
      }
    }
  }

  var summableState: [Double] {
    get { truePositives + falsePositives + positives + negatives }
    set {
      let cells = truePositives.count
      guard newValue.count == 2 * cells + 2 * labels else { return }
      truePositives = Array(newValue[0..<cells])
      falsePositives = Array(newValue[cells..<(2 * cells)])
      positives = Array(newValue[(2 * cells)..<(2 * cells + labels)])
      negatives = Array(newValue[(2 * cells + labels)...])
    }
  }

  var result: Float {
    let areas = (0..<labels).map(area(ofLabel:))
    guard metric.multiLabel else { return Float(areas[0]) }
    guard let labelWeights = metric.labelWeights, labelWeights.count == labels else {
      return Float(areas.reduce(0, +) / Double(labels))
    }
    let total = labelWeights.reduce(0) { $0 + Double($1) }
    let weighted = zip(areas, labelWeights).reduce(0) { $0 + $1.0 * Double($1.1) }
    return Float(noNaN(weighted, total))
  }

  /// `a / b`, or 0 where `b` is 0 (Keras's `divide_no_nan`).
  private func noNaN(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }

  private func area(ofLabel label: Int) -> Double {
    let count = thresholds.count
    let tp = Array(truePositives[(label * count)..<((label + 1) * count)])
    let fp = Array(falsePositives[(label * count)..<((label + 1) * count)])
    let fn = tp.map { positives[label] - $0 }
    let tn = fp.map { negatives[label] - $0 }
    if metric.curve == .pr && metric.summationMethod == .interpolation {
      return interpolatedPrecisionRecallArea(tp: tp, fp: fp, fn: fn)
    }
    let x: [Double]
    let y: [Double]
    let recall = (0..<count).map { noNaN(tp[$0], tp[$0] + fn[$0]) }
    switch metric.curve {
    case .roc:
      x = (0..<count).map { noNaN(fp[$0], fp[$0] + tn[$0]) }
      y = recall
    case .pr:
      x = recall
      y = (0..<count).map { noNaN(tp[$0], tp[$0] + fp[$0]) }
    case .prGain:
      let scale = (0..<count).map { noNaN(tp[$0] + fn[$0], tn[$0] + fp[$0]) }
      x = (0..<count).map {
        tp[$0] == 0 ? 0 : Swift.max(0, 1 - scale[$0] * noNaN(fn[$0], tp[$0]))
      }
      y = (0..<count).map { tp[$0] == 0 ? 1 : 1 - scale[$0] * noNaN(fp[$0], tp[$0]) }
    }
    var area: Double = 0
    for i in 0..<(count - 1) {
      let height: Double
      switch metric.summationMethod {
      case .interpolation: height = (y[i] + y[i + 1]) / 2
      case .minoring: height = Swift.min(y[i], y[i + 1])
      case .majoring: height = Swift.max(y[i], y[i + 1])
      }
      area += (x[i] - x[i + 1]) * height
    }
    return area
  }

  /// Davis & Goadrich's interpolation of precision between thresholds, Keras's
  /// `interpolate_pr_auc`.
  private func interpolatedPrecisionRecallArea(tp: [Double], fp: [Double], fn: [Double])
    -> Double
  {
    var area: Double = 0
    for i in 0..<(tp.count - 1) {
      let dtp = tp[i] - tp[i + 1]
      let p0 = tp[i] + fp[i]
      let p1 = tp[i + 1] + fp[i + 1]
      let slope = noNaN(dtp, Swift.max(p0 - p1, 0))
      let intercept = tp[i + 1] - slope * p1
      let ratio = p0 > 0 && p1 > 0 ? noNaN(p0, Swift.max(p1, 0)) : 1
      area += noNaN(
        slope * (dtp + intercept * Foundation.log(ratio)), Swift.max(tp[i + 1] + fn[i + 1], 0))
    }
    return area
  }

  func reset() {
    truePositives = truePositives.map { _ in 0 }
    falsePositives = falsePositives.map { _ in 0 }
    positives = positives.map { _ in 0 }
    negatives = negatives.map { _ in 0 }
  }
}
