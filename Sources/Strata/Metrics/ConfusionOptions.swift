/// What Keras's `Precision` and `Recall` count: `thresholds` (one value; the default 0.5, or
/// −∞ with `topK`), `topK` (only each sample's k largest predictions may be positive) and
/// `classId` (one column of a multi-class output).
public struct ConfusionOptions: Equatable, Sendable {
  /// The value a prediction must exceed to count as positive (nil: Keras's default).
  public var threshold: Float?
  /// How many of each sample's largest predictions may count as positive (nil: all).
  public var topK: Int?
  /// The one output column counted (nil: every value).
  public var classId: Int?

  /// The options; all nil count every value above 0.5, as Keras's defaults.
  public init(threshold: Float? = nil, topK: Int? = nil, classId: Int? = nil) {
    self.threshold = threshold
    self.topK = topK
    self.classId = classId
  }

  /// Keras's `thresholds`, `top_k` and `class_id`.
  var configuration: Configuration {
    ["thresholds": threshold, "top_k": topK, "class_id": classId]
  }

  /// Reads Keras's `thresholds` (a number or a one-element list), `top_k` and `class_id`.
  init(configuration: Configuration, metric: String) throws {
    var threshold: Float?
    if case .array(let values)? = configuration["thresholds"] {
      guard values.count == 1 else {
        throw StrataError(
          .invalidArgument,
          "\(metric): `thresholds` with \(values.count) values gives one result per threshold; Strata reports one number per metric, so give one threshold"
        )
      }
      threshold = try Float(configurationValue: values[0])
    } else {
      threshold = try configuration.value("thresholds")
    }
    self.init(
      threshold: threshold, topK: try configuration.value("top_k"),
      classId: try configuration.value("class_id"))
    if let topK, topK < 1 {
      throw StrataError(.invalidArgument, "\(metric): `top_k` must be positive. Received: \(topK)")
    }
    if let classId, classId < 0 {
      throw StrataError(
        .invalidArgument, "\(metric): `class_id` must not be negative. Received: \(classId)")
    }
  }

  /// The threshold in effect: the one given, else 0.5, or −∞ with `topK` (Keras's default).
  var effectiveThreshold: Float { threshold ?? (topK == nil ? 0.5 : -.infinity) }

  /// The targets and predictions to count, after `topK` and `classId`.
  func select(target: Tensor, prediction: Tensor) -> (target: [Float], prediction: [Float]) {
    var predicted = prediction.scalars
    var truth = target.scalars
    let columns = prediction.rank >= 2 ? (prediction.shape.last ?? 1) : 1
    if let topK, columns > 0 {
      for row in 0..<(predicted.count / columns) {
        let range = (row * columns)..<((row + 1) * columns)
        // Ties go to the lower index, as `top_k` breaks them.
        let ranked = range.sorted {
          predicted[$0] > predicted[$1] || (predicted[$0] == predicted[$1] && $0 < $1)
        }
        let kept = Set(ranked.prefix(topK))
        for index in range where !kept.contains(index) { predicted[index] = -.infinity }
      }
    }
    if let classId, columns > classId, truth.count == predicted.count {
      let rows = predicted.count / columns
      predicted = (0..<rows).map { predicted[$0 * columns + classId] }
      truth = (0..<rows).map { truth[$0 * columns + classId] }
    }
    return (truth, predicted)
  }
}
