import Testing

@testable import Strata

@Test func confusionMatrixCountsTrueRowsAgainstPredictedColumns() throws {
  // sklearn.metrics.confusion_matrix([0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 1, 1])
  let labels = Tensor([0, 1, 2, 2, 1, 0])
  let predicted = Tensor([0, 2, 2, 2, 1, 1])
  let matrix = try confusionMatrix(labels: labels, predictions: predicted)
  #expect(matrix.shape == [3, 3])
  #expect(matrix.scalars == [1, 1, 0, 0, 1, 1, 0, 0, 2])
  // Scores are read by their argmax.
  let scores = Tensor([
    [0.9, 0.1, 0], [0, 0.2, 0.8], [0, 0, 1], [0.1, 0, 0.9], [0, 1, 0], [0.4, 0.6, 0],
  ])
  #expect(try confusionMatrix(labels: labels, predictions: scores) == matrix)
  expectStrataError(.invalidArgument, containing: "3 labels for 2 predictions") {
    _ = try confusionMatrix(labels: Tensor([0, 1, 1]), predictions: Tensor([0, 1]))
  }
}

@Test func classificationReportIsLaidOutAsScikitLearnsIs() throws {
  // sklearn.metrics.classification_report([0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 1, 1],
  //   target_names=["cat", "dog", "bird"]), scikit-learn 1.9.1.
  let expected = """
                  precision    recall  f1-score   support

             cat       1.00      0.50      0.67         2
             dog       0.50      0.50      0.50         2
            bird       0.67      1.00      0.80         2

        accuracy                           0.67         6
       macro avg       0.72      0.67      0.66         6
    weighted avg       0.72      0.67      0.66         6

    """
  let report = try classificationReport(
    labels: Tensor([0, 1, 2, 2, 1, 0]), predictions: Tensor([0, 2, 2, 2, 1, 1]),
    classNames: ["cat", "dog", "bird"])
  #expect(report == expected)
}
