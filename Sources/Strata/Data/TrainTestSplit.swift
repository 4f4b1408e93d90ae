/// Inputs and targets split into a training and a test part, scikit-learn's
/// `train_test_split(x, y, test_size=…, random_state=…)`: the samples are shuffled with a
/// seeded permutation (or kept in order with `shuffle: false`) and the last
/// `⌈testFraction · n⌉` go to the test part.
///
/// ```swift
/// let (xTrain, xTest, yTrain, yTest) = try trainTestSplit(x, y, testFraction: 0.2, seed: 42)
/// ```
public func trainTestSplit(
  _ x: Tensor, _ y: Tensor, testFraction: Double = 0.25, seed: UInt64 = 0, shuffle: Bool = true
) throws -> (xTrain: Tensor, xTest: Tensor, yTrain: Tensor, yTest: Tensor) {
  guard x.rank >= 1, y.rank >= 1, x.shape[0] == y.shape[0] else {
    throw StrataError(
      .invalidArgument,
      "trainTestSplit: `x` and `y` must hold the same number of samples, received shapes \(x.shape) and \(y.shape)"
    )
  }
  guard testFraction > 0, testFraction < 1 else {
    throw StrataError(
      .invalidArgument,
      "trainTestSplit: `testFraction` must be between 0 and 1 (exclusive), received \(testFraction)"
    )
  }
  let count = x.shape[0]
  let testCount = Int((testFraction * Double(count)).rounded(.up))
  guard testCount < count else {
    throw StrataError(
      .invalidArgument,
      "trainTestSplit: with \(count) samples and `testFraction` \(testFraction), the training part would be empty"
    )
  }
  var generator = RandomGenerator(seed: seed)
  let order = shuffle ? generator.permutation(count) : Array(0..<count)
  let train = Array(order[..<(count - testCount)])
  let test = Array(order[(count - testCount)...])
  return (
    x.gatheringRows(train), x.gatheringRows(test), y.gatheringRows(train), y.gatheringRows(test)
  )
}
