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

  /// Two interleaving half circles (scikit-learn's `make_moons`): the upper moon is class 0,
  /// the lower, shifted one class 1, with Gaussian `noise` added to every coordinate.
  ///
  /// - Returns: `x` `[samples, 2]` and labels `y` `[samples, 1]` of 0/1.
  public static func moons(samples: Int = 200, noise: Float = 0.1, seed: UInt64 = 1984) -> (
    x: Tensor, y: Tensor
  ) {
    var generator = RandomGenerator(seed: seed)
    let outer = samples / 2
    let inner = samples - outer
    var x: [Float] = []
    var y: [Float] = []
    for i in 0..<outer {
      let t = Float.pi * Float(i) / Float(Swift.max(outer - 1, 1))
      x += [Foundation.cos(t), Foundation.sin(t)]
      y.append(0)
    }
    for i in 0..<inner {
      let t = Float.pi * Float(i) / Float(Swift.max(inner - 1, 1))
      x += [1 - Foundation.cos(t), 0.5 - Foundation.sin(t)]
      y.append(1)
    }
    for i in x.indices { x[i] += noise * generator.nextNormal() }
    return (Tensor(shape: [samples, 2], scalars: x), Tensor(shape: [samples, 1], scalars: y))
  }

  /// A circle inside a larger one (scikit-learn's `make_circles`): the outer circle of radius
  /// 1 is class 0, the inner of radius `factor` class 1, plus Gaussian `noise`.
  public static func circles(
    samples: Int = 200, noise: Float = 0.05, factor: Float = 0.5, seed: UInt64 = 1984
  ) -> (x: Tensor, y: Tensor) {
    var generator = RandomGenerator(seed: seed)
    let outer = samples / 2
    let inner = samples - outer
    var x: [Float] = []
    var y: [Float] = []
    for (count, radius, label) in [(outer, Float(1), Float(0)), (inner, factor, Float(1))] {
      for i in 0..<count {
        let t = 2 * Float.pi * Float(i) / Float(Swift.max(count, 1))
        x += [radius * Foundation.cos(t), radius * Foundation.sin(t)]
        y.append(label)
      }
    }
    for i in x.indices { x[i] += noise * generator.nextNormal() }
    return (Tensor(shape: [samples, 2], scalars: x), Tensor(shape: [samples, 1], scalars: y))
  }

  /// Gaussian blobs (scikit-learn's `make_blobs`): `centers` centres drawn uniformly in
  /// `[-10, 10]^features`, `samples` points spread evenly among them with standard deviation
  /// `spread`. Labels are the blob indices, `[samples]`.
  public static func blobs(
    samples: Int = 300, centers: Int = 3, features: Int = 2, spread: Float = 1, seed: UInt64 = 1984
  ) -> (x: Tensor, y: Tensor) {
    var generator = RandomGenerator(seed: seed)
    let middles = Tensor.uniform(
      [centers, features], lowerBound: -10, upperBound: 10, generator: &generator)
    var x: [Float] = []
    var y: [Float] = []
    for i in 0..<samples {
      let center = i % centers
      for j in 0..<features {
        x.append(middles.scalars[center * features + j] + spread * generator.nextNormal())
      }
      y.append(Float(center))
    }
    return (Tensor(shape: [samples, features], scalars: x), Tensor(shape: [samples], scalars: y))
  }
}
