/// Class indices as one-hot rows, Keras's `keras.utils.to_categorical`: labels `[n]` (or
/// `[n, 1]`) become `[n, numClasses]` with a 1 in each label's column.
///
/// `numClasses` defaults to the largest label plus one. A label that is not a whole number in
/// `0 ..< numClasses` throws a ``StrataError`` naming it and its position.
public func toCategorical(_ labels: Tensor, numClasses: Int? = nil) throws -> Tensor {
  guard labels.rank == 1 || (labels.rank == 2 && labels.shape[1] == 1) else {
    throw StrataError(
      .shapeMismatch,
      "toCategorical: expects class indices of shape [n] or [n, 1], received shape \(labels.shape)"
    )
  }
  let largest = labels.scalars.max() ?? -1
  let classes = numClasses ?? (largest.isFinite && largest >= 0 ? Int(largest) + 1 : 0)
  guard classes > 0 else {
    throw StrataError(
      .invalidArgument, "toCategorical: `numClasses` must be positive, received \(classes)")
  }
  var rows = [Float](repeating: 0, count: labels.scalarCount * classes)
  for (position, label) in labels.scalars.enumerated() {
    guard label >= 0, label < Float(classes), label == label.rounded() else {
      throw StrataError(
        .invalidData,
        "toCategorical: the label \(label) at position \(position) is not a class index in 0..<\(classes)"
      )
    }
    rows[position * classes + Int(label)] = 1
  }
  return Tensor(shape: [labels.scalarCount, classes], scalars: rows)
}
