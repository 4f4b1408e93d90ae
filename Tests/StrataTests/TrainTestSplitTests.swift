import Testing

@testable import Strata

@Test func trainTestSplitKeepsPairsTogether() throws {
  let x = Tensor(shape: [10, 2], scalars: (0..<20).map(Float.init))
  let y = Tensor((0..<10).map(Float.init))
  let split = try trainTestSplit(x, y, testFraction: 0.25, seed: 4)
  // ⌈0.25 · 10⌉ = 3 test samples, as scikit-learn counts them.
  #expect(split.xTrain.shape == [7, 2] && split.xTest.shape == [3, 2])
  #expect(split.yTrain.shape == [7] && split.yTest.shape == [3])
  // Each row of x still sits beside its label, and every sample is in exactly one part.
  for (part, labels) in [(split.xTrain, split.yTrain), (split.xTest, split.yTest)] {
    for row in 0..<labels.shape[0] {
      #expect(part[row].scalars == [2 * labels[row].scalar, 2 * labels[row].scalar + 1])
    }
  }
  #expect(Set(split.yTrain.scalars + split.yTest.scalars) == Set(y.scalars))
  // Reproducible by seed; in order without shuffling.
  #expect(try trainTestSplit(x, y, testFraction: 0.25, seed: 4).yTest == split.yTest)
  #expect(try trainTestSplit(x, y, testFraction: 0.2, shuffle: false).yTest.scalars == [8, 9])
  expectStrataError(.invalidArgument, containing: "same number of samples") {
    _ = try trainTestSplit(x, Tensor([1, 2]))
  }
  expectStrataError(.invalidArgument, containing: "between 0 and 1") {
    _ = try trainTestSplit(x, y, testFraction: 1)
  }
}
