/// The mean intersection over union, Keras's `MeanIoU`: a confusion matrix of class ids over
/// the run, then for each class `IoU = tp / (tp + fp + fn)`, averaged over the classes that
/// occur (in the labels or the predictions). The usual score of semantic segmentation.
///
/// As in Keras, labels and predictions are class ids by default (`sparseYTrue`,
/// `sparseYPred`); for a softmax output write `MeanIoU(numClasses: 10, sparseYPred: false)`,
/// which takes the arg-max of each prediction. Ids outside `0..<numClasses`, and labels equal
/// to `ignoreClass`, are left out. Keras keeps the matrix in integers: class ids and sample
/// weights are truncated towards zero (a weight of 0.5 counts as 0), and so they are here.
public struct MeanIoU: Metric {
  /// The number of classes, at least 1.
  public var numClasses: Int
  /// A label left out of the matrix (Keras's `ignore_class`, default none).
  public var ignoreClass: Int?
  /// Whether labels are class ids (true, Keras's default) or one-hot rows.
  public var sparseYTrue: Bool
  /// Whether predictions are class ids (true, Keras's default) or scores, arg-maxed.
  public var sparseYPred: Bool

  /// Creates the metric with Keras's defaults.
  public init(
    numClasses: Int, ignoreClass: Int? = nil, sparseYTrue: Bool = true, sparseYPred: Bool = true
  ) {
    self.numClasses = numClasses
    self.ignoreClass = ignoreClass
    self.sparseYTrue = sparseYTrue
    self.sparseYPred = sparseYPred
  }

  /// `mean_io_u`, Keras's default name.
  public var name: String { "mean_io_u" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// A `numClasses × numClasses` confusion matrix.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    IoUAccumulator(metric: self)
  }

  /// Keras's `num_classes`, `ignore_class`, `sparse_y_true` and `sparse_y_pred`.
  public var configuration: Configuration {
    [
      "num_classes": numClasses, "ignore_class": ignoreClass, "sparse_y_true": sparseYTrue,
      "sparse_y_pred": sparseYPred,
    ]
  }

  /// Rebuilds the metric; `num_classes` is required, as in Keras.
  public init(configuration: Configuration) throws {
    let classes: Int = try configuration.value("num_classes")
    guard (1...65_536).contains(classes) else {
      throw StrataError(
        .invalidArgument, "`num_classes` must be in 1...65536. Received: num_classes=\(classes)")
    }
    self.init(
      numClasses: classes, ignoreClass: try configuration.value("ignore_class"),
      sparseYTrue: try configuration.value("sparse_y_true", default: true),
      sparseYPred: try configuration.value("sparse_y_pred", default: true))
  }
}

extension Metric where Self == MeanIoU {
  /// The mean IoU over `numClasses` classes, with Keras's arguments.
  public static func meanIoU(
    numClasses: Int, ignoreClass: Int? = nil, sparseYTrue: Bool = true, sparseYPred: Bool = true
  ) -> MeanIoU {
    MeanIoU(
      numClasses: numClasses, ignoreClass: ignoreClass, sparseYTrue: sparseYTrue,
      sparseYPred: sparseYPred)
  }
}

/// The weighted confusion matrix of a run, rows by label and columns by prediction.
final class IoUAccumulator: MetricAccumulator {
  private let metric: MeanIoU
  private var matrix: [Double]

  init(metric: MeanIoU) {
    self.metric = metric
    matrix = [Double](repeating: 0, count: Swift.max(1, metric.numClasses * metric.numClasses))
  }

  /// Class ids from `values`: the arg-max of each row of `width`, or the values themselves.
  private func classIds(_ values: Tensor, sparse: Bool) -> [Int?] {
    let scalars = values.scalars
    guard !sparse, values.rank >= 1, let width = values.shape.last, width > 0 else {
      // Truncated towards zero, as Keras's conversion to its integer dtype.
      return scalars.map { abs($0) < 1e9 ? Int($0) : nil }
    }
    return stride(from: 0, to: scalars.count, by: width).map { start in
      var best = start
      for i in start..<(start + width) where scalars[i] > scalars[best] { best = i }
      return best - start
    }
  }

  func update(target: Tensor, prediction: Tensor, sampleWeight: Tensor?) {
    let labels = classIds(target, sparse: metric.sparseYTrue)
    let predicted = classIds(prediction, sparse: metric.sparseYPred)
    let classes = metric.numClasses
    let perSample = Swift.max(1, labels.count / Swift.max(1, target.shape.first ?? 1))
    let weights = sampleWeight?.scalars
    for (index, (label, guess)) in zip(labels, predicted).enumerated() {
      guard let label, let guess, (0..<classes).contains(label), (0..<classes).contains(guess),
        label != metric.ignoreClass
      else { continue }
      let weight = weights.map { $0[Swift.min(index / perSample, $0.count - 1)] } ?? 1
      // Keras's integer matrix truncates the weight.
      matrix[label * classes + guess] += abs(weight) < 1e9 ? Double(Int(weight)) : 0
    }
  }

  var summableState: [Double] {
    get { matrix }
    set { if newValue.count == matrix.count { matrix = newValue } }
  }

  /// Keras's float32 arithmetic: `Σ iou / (valid + ε)` with `iou = tp / (denominator + ε)`
  /// for the classes whose denominator exceeds 1e-9.
  var result: Float {
    let classes = metric.numClasses
    let epsilon: Float = 1e-7
    var total: Float = 0
    var valid: Float = 0
    for c in 0..<classes {
      var predicted: Float = 0
      var actual: Float = 0
      for other in 0..<classes {
        predicted += Float(matrix[other * classes + c])
        actual += Float(matrix[c * classes + other])
      }
      let truePositives = Float(matrix[c * classes + c])
      let denominator = predicted + actual - truePositives
      guard denominator > 1e-9 else { continue }
      valid += 1
      total += truePositives / (denominator + epsilon)
    }
    return total / (valid + epsilon)
  }

  func reset() {
    matrix = matrix.map { _ in 0 }
  }
}
