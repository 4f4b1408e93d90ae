import Testing

@testable import Strata

@Test func reshapeInfersItsOneUnknownSize() throws {
  #expect(try Reshape(targetShape: [4, -1]).outputShape(forInputShape: [2, 3, 2]) == [4, 3])
  #expect(try Reshape(targetShape: [28, 28, 1])(Tensor.zeros([5, 784])).shape == [5, 28, 28, 1])
  expectStrataError(
    .shapeMismatch,
    containing: "holds 12 values per sample, which cannot be reshaped to (None, 5, -1)"
  ) {
    _ = try Reshape(targetShape: [5, -1]).outputShape(forInputShape: [3, 4])
  }
  expectStrataError(.invalidArgument, containing: "at most one -1") {
    _ = try Reshape(targetShape: [-1, -1]).outputShape(forInputShape: [3, 4])
  }
  try expectRoundTrip(Reshape(targetShape: [2, -1]), inputShape: [3, 2])
}
