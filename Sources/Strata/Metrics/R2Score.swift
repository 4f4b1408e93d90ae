/// The coefficient of determination, Keras's `R2Score`: per output column
/// `1 − Σ w(y − p)² / (Σ w y² − (Σ w y)² / Σ w)`, accumulated over the run, then averaged over
/// the columns (`classAggregation`), and adjusted for `numRegressors` predictors when given:
/// `1 − (1 − R²)(n − 1)/(n − p − 1)` with `n` the number of values seen (Keras's count).
public struct R2Score: Metric {
  /// How the columns' scores combine, Keras's `class_aggregation`.
  public enum ClassAggregation: String, Sendable {
    /// Their plain mean (`"uniform_average"`, the default).
    case uniformAverage = "uniform_average"
    /// Their mean weighted by each column's total sum of squares
    /// (`"variance_weighted_average"`).
    case varianceWeightedAverage = "variance_weighted_average"
  }

  /// How the columns' scores combine.
  public var classAggregation: ClassAggregation
  /// The number of independent variables for the adjusted R² (0: the plain R²).
  public var numRegressors: Int

  /// Creates the metric with Keras's defaults.
  public init(classAggregation: ClassAggregation = .uniformAverage, numRegressors: Int = 0) {
    self.classAggregation = classAggregation
    self.numRegressors = numRegressors
  }

  /// `r2_score`.
  public var name: String { "r2_score" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// Sums per output column.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    R2Accumulator(metric: self, columns: max(1, resolution.outputShape.reduce(1, *)))
  }

  /// Keras's `class_aggregation` and `num_regressors`.
  public var configuration: Configuration {
    ["class_aggregation": classAggregation.rawValue, "num_regressors": numRegressors]
  }

  /// Rebuilds the metric; missing keys take Keras's defaults.
  public init(configuration: Configuration) throws {
    let name: String = try configuration.value(
      "class_aggregation", default: ClassAggregation.uniformAverage.rawValue)
    guard let aggregation = ClassAggregation(rawValue: name) else {
      throw StrataError(
        .invalidArgument,
        "Invalid value for argument `class_aggregation`. Expected one of uniform_average, variance_weighted_average (Strata reports one number). Received: class_aggregation=\(name)"
      )
    }
    self.init(
      classAggregation: aggregation,
      numRegressors: try configuration.value("num_regressors", default: 0))
  }
}

extension Metric where Self == R2Score {
  /// R² averaged over the output columns.
  public static var r2Score: R2Score { R2Score() }
  /// R² with Keras's `class_aggregation` and `num_regressors`.
  public static func r2Score(classAggregation: R2Score.ClassAggregation, numRegressors: Int = 0)
    -> R2Score
  {
    R2Score(classAggregation: classAggregation, numRegressors: numRegressors)
  }
}

/// Keras's R2Score state: per column Σw·y, Σw·y², Σw·(y − p)², Σw, and the values seen.
private final class R2Accumulator: MetricAccumulator {
  private let metric: R2Score
  private var sum: [Double] = []
  private var squaredSum: [Double] = []
  private var residual: [Double] = []
  private var count: [Double] = []
  private var values = 0

  private let columns: Int

  init(metric: R2Score, columns: Int) {
    self.metric = metric
    self.columns = columns
    allocate(columns)
  }

  private func allocate(_ columns: Int) {
    sum = Array(repeating: 0, count: columns)
    squaredSum = sum
    residual = sum
    count = sum
  }

  /// The four sums per column, then the number of values.
  var summableState: [Double] {
    get { sum + squaredSum + residual + count + [Double(values)] }
    set {
      let n = sum.count
      guard newValue.count == 4 * n + 1 else { return }
      sum = Array(newValue[0..<n])
      squaredSum = Array(newValue[n..<(2 * n)])
      residual = Array(newValue[(2 * n)..<(3 * n)])
      count = Array(newValue[(3 * n)..<(4 * n)])
      values = Int(newValue[4 * n].rounded())
    }
  }

  func update(target: Tensor, prediction: Tensor, sampleWeight: Tensor?) {
    let y = alignedTarget(target, to: prediction)
    let columns = prediction.rank >= 2 ? prediction.scalarCount / max(1, prediction.shape[0]) : 1
    if sum.count != columns { allocate(columns) }
    let (truth, guess) = (y.scalars, prediction.scalars)
    for index in 0..<min(truth.count, guess.count) {
      let column = index % columns
      let weight =
        sampleWeight.map { Double($0.scalars[min(index / columns, $0.scalarCount - 1)]) } ?? 1
      let value = Double(truth[index])
      sum[column] += weight * value
      squaredSum[column] += value * weight * value
      residual[column] += (value - Double(guess[index])) * (value - Double(guess[index])) * weight
      count[column] += weight
    }
    values += truth.count
  }

  var result: Float {
    guard !sum.isEmpty, values > 0 else { return 0 }
    var totals: [Double] = []
    var scores: [Double] = []
    for column in sum.indices {
      let mean = sum[column] / count[column]
      let total = squaredSum[column] - sum[column] * mean
      let score = 1 - residual[column] / total
      totals.append(total)
      scores.append(score.isInfinite ? 0 : score)
    }
    var r2: Double
    switch metric.classAggregation {
    case .uniformAverage: r2 = scores.reduce(0, +) / Double(scores.count)
    case .varianceWeightedAverage:
      r2 = zip(totals, scores).reduce(0) { $0 + $1.0 * $1.1 } / totals.reduce(0, +)
    }
    let (n, p) = (Double(values), Double(metric.numRegressors))
    // Keras falls back to the plain R² (with a warning) when n − p − 1 ≤ 0.
    if metric.numRegressors != 0, p < n - 1 { r2 = 1 - (1 - r2) * (n - 1) / (n - p - 1) }
    return Float(r2)
  }

  func reset() {
    allocate(columns)
    values = 0
  }
}
