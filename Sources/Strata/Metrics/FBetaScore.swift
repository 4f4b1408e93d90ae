/// The F-beta score, Keras's `FBetaScore`: `(1 + β²) · P · R / (β² · P + R)` from true and
/// false positives and false negatives counted per class (or over all classes for `.micro`)
/// on one-hot targets `[N, classes]`, then averaged over the classes. A prediction is
/// positive above `threshold`, or, without one, where it is its row's largest (and not 0).
/// Keras's ε = 1e-7 guards each division, as in Keras.
public struct FBetaScore: Metric {
  /// How the classes' scores combine, Keras's `average` (Keras's `None`, one score per class,
  /// is not one number and so is not offered).
  public enum Average: String, Sendable {
    /// The counts summed over the classes first (`"micro"`).
    case micro
    /// The plain mean of the classes' scores (`"macro"`).
    case macro
    /// The mean weighted by each class's number of true samples (`"weighted"`).
    case weighted
  }

  /// The weight of recall against precision (1: the F1 score).
  public var beta: Float
  /// How the classes combine.
  public var average: Average
  /// The value above which a prediction is positive (nil: the row's largest).
  public var threshold: Float?

  /// Creates the metric.
  public init(beta: Float = 1, average: Average, threshold: Float? = nil) {
    self.beta = beta
    self.average = average
    self.threshold = threshold
  }

  /// `fbeta_score`, or `f1_score` for β = 1, as Keras names them.
  public var name: String { beta == 1 ? "f1_score" : "fbeta_score" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// Counts per class.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    FBetaAccumulator(metric: self, classes: Swift.max(1, resolution.outputShape.last ?? 1))
  }

  /// Keras's `beta`, `average` and `threshold`.
  public var configuration: Configuration {
    ["beta": beta, "average": average.rawValue, "threshold": threshold]
  }

  /// Rebuilds the metric; `average` must be given (Keras's default, None, is per class).
  public init(configuration: Configuration) throws {
    let name: String? = try configuration.value("average")
    guard let name, let average = Average(rawValue: name) else {
      throw StrataError(
        .invalidArgument,
        "FBetaScore: `average` must be micro, macro or weighted (Strata reports one number per metric; Keras's None gives one per class). Received: average=\(name ?? "None")"
      )
    }
    self.init(
      beta: try configuration.value("beta", default: 1), average: average,
      threshold: try configuration.value("threshold"))
  }
}

extension Metric where Self == FBetaScore {
  /// The F1 score averaged over the classes as `average` says (Keras's `F1Score`).
  public static func f1Score(average: FBetaScore.Average, threshold: Float? = nil) -> FBetaScore {
    FBetaScore(beta: 1, average: average, threshold: threshold)
  }
  /// The F-beta score (Keras's `FBetaScore`).
  public static func fBetaScore(
    beta: Float, average: FBetaScore.Average, threshold: Float? = nil
  ) -> FBetaScore {
    FBetaScore(beta: beta, average: average, threshold: threshold)
  }
}

/// Keras's FBetaScore state: true and false positives, false negatives and true counts.
private final class FBetaAccumulator: MetricAccumulator {
  private let metric: FBetaScore
  private let classes: Int
  private var truePositives: [Double]
  private var falsePositives: [Double]
  private var falseNegatives: [Double]
  private var trueCounts: [Double]

  init(metric: FBetaScore, classes: Int) {
    self.metric = metric
    self.classes = classes
    let columns = metric.average == .micro ? 1 : classes
    truePositives = Array(repeating: 0, count: columns)
    falsePositives = truePositives
    falseNegatives = truePositives
    trueCounts = truePositives
  }

  func update(target: Tensor, prediction: Tensor, sampleWeight: Tensor?) {
    let (truth, predicted) = (target.scalars, prediction.scalars)
    let rows = predicted.count / classes
    guard truth.count == predicted.count else { return }
    for row in 0..<rows {
      let values = predicted[(row * classes)..<((row + 1) * classes)]
      let largest = values.max() ?? 0
      let weight = sampleWeight.map { Double($0.scalars[Swift.min(row, $0.scalarCount - 1)]) } ?? 1
      for column in 0..<classes {
        let p = predicted[row * classes + column]
        let positive =
          metric.threshold.map { p > $0 } ?? (p >= largest && Swift.abs(p) > 1e-9)
        let actual = Double(truth[row * classes + column])
        let slot = metric.average == .micro ? 0 : column
        let hit = positive ? 1.0 : 0.0
        truePositives[slot] += hit * actual * weight
        falsePositives[slot] += hit * (1 - actual) * weight
        falseNegatives[slot] += (1 - hit) * actual * weight
        trueCounts[slot] += actual * weight
      }
    }
  }

  var result: Float {
    let epsilon = 1e-7
    let betaSquared = Double(metric.beta) * Double(metric.beta)
    let scores = truePositives.indices.map { index -> Double in
      let precision =
        truePositives[index] / (truePositives[index] + falsePositives[index] + epsilon)
      let recall = truePositives[index] / (truePositives[index] + falseNegatives[index] + epsilon)
      return precision * recall / (betaSquared * precision + recall + epsilon) * (1 + betaSquared)
    }
    switch metric.average {
    case .weighted:
      let total = trueCounts.reduce(0, +)
      return Float(zip(scores, trueCounts).reduce(0) { $0 + $1.0 * $1.1 / (total + epsilon) })
    case .micro, .macro:
      return Float(scores.reduce(0, +) / Double(Swift.max(1, scores.count)))
    }
  }

  var summableState: [Double] {
    get { truePositives + falsePositives + falseNegatives + trueCounts }
    set {
      let n = truePositives.count
      guard newValue.count == 4 * n else { return }
      truePositives = Array(newValue[0..<n])
      falsePositives = Array(newValue[n..<(2 * n)])
      falseNegatives = Array(newValue[(2 * n)..<(3 * n)])
      trueCounts = Array(newValue[(3 * n)..<(4 * n)])
    }
  }

  func reset() {
    for index in truePositives.indices {
      truePositives[index] = 0
      falsePositives[index] = 0
      falseNegatives[index] = 0
      trueCounts[index] = 0
    }
  }
}
