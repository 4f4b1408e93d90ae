import Foundation

/// Small data sets generated in memory, seeded: no files, no network.
public enum Datasets {
  /// The spiral of "Deep Learning from Scratch 2" (ch. 1, `dataset/spiral.py`): `classes`
  /// interleaved arms of `pointsPerClass` points each. For point `i` of arm `j`, with
  /// `r = i / pointsPerClass`: `θ = 4j + 4r + 0.2·N(0, 1)` and the point is `(r·sin θ, r·cos θ)`.
  ///
  /// - Returns: `x` of shape `[pointsPerClass · classes, 2]` and one-hot `y` of shape
  ///   `[pointsPerClass · classes, classes]`.
  public static func spiral(
    pointsPerClass: Int = 100, classes: Int = 3, seed: UInt64 = 1984
  ) -> (x: Tensor, y: Tensor) {
    var generator = RandomGenerator(seed: seed)
    let count = pointsPerClass * classes
    var x = [Float](repeating: 0, count: count * 2)
    var y = [Float](repeating: 0, count: count * classes)
    for j in 0..<classes {
      for i in 0..<pointsPerClass {
        let rate = Float(i) / Float(pointsPerClass)
        let radius = rate
        let theta = Float(j) * 4 + 4 * rate + generator.nextNormal() * 0.2
        let index = j * pointsPerClass + i
        x[index * 2] = radius * Foundation.sin(theta)
        x[index * 2 + 1] = radius * Foundation.cos(theta)
        y[index * classes + j] = 1
      }
    }
    return (Tensor(shape: [count, 2], scalars: x), Tensor(shape: [count, classes], scalars: y))
  }

  /// The four points of XOR and their 0/1 labels (`[4, 2]` and `[4, 1]`).
  public static func xor() -> (x: Tensor, y: Tensor) {
    (Tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), Tensor([[0], [1], [1], [0]]))
  }
}
