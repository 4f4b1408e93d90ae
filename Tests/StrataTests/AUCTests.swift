import Testing

@testable import Strata

/// Three labels of six samples, with sample weights [1, 2, 0.5, 1, 1.5, 1].
private let labels = Tensor([
  [1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 0], [0, 0, 1],
])
private let scores = Tensor([
  [0.9, 0.2, 0.6], [0.3, 0.4, 0.8], [0.55, 0.7, 0.1], [0.6, 0.65, 0.35], [0.8, 0.1, 0.7],
  [0.2, 0.68, 0.9],
])
private let sampleWeights = Tensor([1, 2, 0.5, 1, 1.5, 1])

private func result(_ metric: AUC, _ predictions: Tensor = scores, weighted: Bool) -> Float {
  let accumulator = metric.makeAccumulator(
    for: MetricResolution(outputShape: [3], targetShape: [3]))
  accumulator.update(
    target: labels, prediction: predictions, sampleWeight: weighted ? sampleWeights : nil)
  return accumulator.result
}

@Test(
  arguments: [
    // Keras 3.15.1: m = keras.metrics.AUC(**arguments); m.update_state(y, p, sample_weight=w)
    // (first literal) and without weights (second), on the data above.
    (AUC(), Float(0.8798626661300659), Float(0.8518518209457397)),
    (AUC(curve: .pr), 0.8792948722839355, 0.8617160320281982),
    (AUC(curve: .prGain), 0.8125467300415039, 0.664766788482666),
    (AUC(curve: .pr, summationMethod: .minoring), 0.6585793495178223, 0.6238095164299011),
    (AUC(summationMethod: .majoring), 0.8878718018531799, 0.8641974925994873),
    (AUC(multiLabel: true), 0.8457071185112, 0.8379629850387573),
    (
      AUC(curve: .pr, multiLabel: true, labelWeights: [1, 2, 0.5]), 0.776922881603241,
      0.8385108113288879
    ),
    (AUC(labelWeights: [1, 2, 0.5]), 0.9025735259056091, 0.8773148059844971),
    (AUC(thresholds: [0.25, 0.5, 0.75]), 0.9016017913818359, 0.8765431642532349),
    (AUC(numThresholds: 10, curve: .pr), 0.8774173259735107, 0.8518056273460388),
  ] as [(AUC, Float, Float)])
func aucMatchesKeras(metric: AUC, weighted: Float, unweighted: Float) {
  expectClose(
    [result(metric, weighted: true), result(metric, weighted: false)], [weighted, unweighted])
}

@Test func aucFromLogitsAppliesTheSigmoid() {
  // Keras: AUC(from_logits=True, curve="PR") on log(p / (1 − p)), unweighted.
  let logits = (scores / (1 - scores)).log()
  expectClose(
    [result(AUC(curve: .pr, fromLogits: true), logits, weighted: false)], [0.8617160320281982])
}

@Test func aucArgumentsRoundTripAndAreChecked() throws {
  try expectRoundTrip(
    AUC(
      curve: .pr, summationMethod: .majoring, multiLabel: true, numLabels: 3,
      labelWeights: [1, 2, 3], fromLogits: true))
  try expectRoundTrip(AUC(thresholds: [0.2, 0.8]))
  #expect(AUC(thresholds: [0.2, 0.8]).numThresholds == 4)
  expectStrataError(.invalidArgument, containing: "`num_thresholds` must be an integer > 1") {
    _ = try AUC(configuration: ["num_thresholds": 1])
  }
  expectStrataError(.invalidArgument, containing: "needed only when `multi_label` is True") {
    _ = try AUC(configuration: ["num_labels": 3])
  }
  expectStrataError(.invalidArgument, containing: "curve=XY") {
    _ = try AUC(configuration: ["curve": "XY"])
  }
}
