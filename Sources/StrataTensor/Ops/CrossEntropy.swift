import Foundation

// Fused, numerically stable losses on logits: softmax + cross-entropy (sparse and one-hot) and
// sigmoid + binary cross-entropy. Each returns one loss per sample so that callers can weight
// and reduce them; the gradient is the classic `(p − y)` scaled by the upstream gradient.

extension Tensor {
  /// Per-sample `−log softmax(logits)[label]` for `logits` `[n, classes]` and integer `labels`
  /// `[n]` (stored as `Float`). Gradient with respect to the logits: `(softmax − onehot) · g`.
  ///
  /// - Precondition: every label is an integer in `0..<classes`.
  public static func softmaxCrossEntropy(logits: Tensor, labels: Tensor) -> Tensor {
    precondition(
      logits.rank == 2, "softmaxCrossEntropy: logits must be [n, classes], got \(logits.shape)")
    let (n, classes) = (logits.shape[0], logits.shape[1])
    precondition(
      labels.scalarCount == n,
      "softmaxCrossEntropy: \(labels.shape) labels for logits \(logits.shape)")
    // The loss comes from the log-softmax, (x − max) − log Σ exp(x − max), not the log of the
    // probability: a probability that underflows would cap the loss at −log(smallest float)
    // ≈ 87.3. The softmax pass hands over each row's maximum and log-sum.
    var normalizers = [Float](repeating: 0, count: 2 * n)
    let probabilities = normalizers.withUnsafeMutableBufferPointer {
      logits.softmaxValues(axis: 1, normalizers: $0.baseAddress)
    }
    let logitValues = logits.scalars
    var losses = [Float](repeating: 0, count: n)
    var indices = [Int](repeating: 0, count: n)
    for i in 0..<n {
      let label = Int(labels.scalars[i])
      precondition(
        label >= 0 && label < classes && Float(label) == labels.scalars[i],
        "softmaxCrossEntropy: label \(labels.scalars[i]) at row \(i) is not in 0..<\(classes)")
      indices[i] = label
      let shifted = logitValues[i * classes + label] - normalizers[i]
      losses[i] = -(shifted - normalizers[n + i])
    }
    let value = Tensor(shape: [n], storage: losses)
    let labelIndices = indices
    return record(value, input: logits) { grad in
      var g = probabilities.scalars
      for i in 0..<n {
        let scale = grad.scalars[i]
        let row = i * classes
        for j in 0..<classes { g[row + j] *= scale }
        g[row + labelIndices[i]] -= scale
      }
      return Tensor(shape: [n, classes], storage: g)
    }
  }

  /// Per-sample `−Σ y · log softmax(logits)` for `logits` and target distributions `targets`,
  /// both `[n, classes]`. Gradient: `(softmax · Σy − y) · g`, which is `(p − y) · g` for
  /// one-hot or normalised targets.
  public static func softmaxCrossEntropy(logits: Tensor, targets: Tensor) -> Tensor {
    precondition(
      logits.rank == 2 && targets.shape == logits.shape,
      "softmaxCrossEntropy: logits \(logits.shape) and targets \(targets.shape) must both be [n, classes]"
    )
    let (n, classes) = (logits.shape[0], logits.shape[1])
    let logProbabilities = logits.detached.logSoftmax(alongAxis: 1)
    var losses = [Float](repeating: 0, count: n)
    for i in 0..<n {
      var total: Float = 0
      for j in 0..<classes {
        let y = targets.scalars[i * classes + j]
        if y != 0 { total -= y * logProbabilities.scalars[i * classes + j] }
      }
      losses[i] = total
    }
    let value = Tensor(shape: [n], storage: losses)
    let y = targets.detached
    return record(value, inputs: [logits, targets]) { grad, needs in
      var dLogits: Tensor? = nil
      var dTargets: Tensor? = nil
      if needs[0] {
        var g = [Float](repeating: 0, count: n * classes)
        for i in 0..<n {
          let row = i * classes
          var mass: Float = 0
          for j in 0..<classes { mass += y.scalars[row + j] }
          for j in 0..<classes {
            let p = Foundation.exp(logProbabilities.scalars[row + j])
            g[row + j] = (p * mass - y.scalars[row + j]) * grad.scalars[i]
          }
        }
        dLogits = Tensor(shape: [n, classes], storage: g)
      }
      if needs[1] {
        dTargets = Tensor.zipScalars(
          logProbabilities, grad.reshaped(to: [n, 1]), op: "softmaxCrossEntropy"
        ) { -$0 * $1 }
      }
      return [dLogits, dTargets]
    }
  }

  /// Elementwise binary cross-entropy on logits, `Swift.max(z, 0) − z·y + log(1 + e^−|z|)`, the
  /// stable form of `−y log σ(z) − (1 − y) log(1 − σ(z))`. Gradient: `(σ(z) − y) · g`.
  public static func sigmoidCrossEntropy(logits: Tensor, targets: Tensor) -> Tensor {
    precondition(
      logits.shape == targets.shape,
      "sigmoidCrossEntropy: logits \(logits.shape) and targets \(targets.shape) must have the same shape"
    )
    let value = zipScalars(logits, targets, op: "sigmoidCrossEntropy") { z, y in
      Swift.max(z, 0) - z * y + Foundation.log1p(Foundation.exp(-Swift.abs(z)))
    }
    let (z, y) = (logits.detached, targets.detached)
    return record(value, inputs: [logits, targets]) { grad, needs in
      var result: [Tensor?] = [nil, nil]
      if needs[0] {
        let residual = zipScalars(z, y, op: "sigmoidCrossEntropy") { stableSigmoid($0) - $1 }
        result[0] = zipScalars(residual, grad, op: "sigmoidCrossEntropy") { $0 * $1 }
      }
      if needs[1] { result[1] = zipScalars(z, grad, op: "sigmoidCrossEntropy") { -$0 * $1 } }
      return result
    }
  }
}
