import Testing

@testable import Strata

@Test func generatedDatasetsHaveTheirShapesAndAreSeeded() {
  let spiral = Datasets.spiral(pointsPerClass: 100, classes: 3)
  #expect(spiral.x.shape == [300, 2])
  #expect(spiral.y.shape == [300, 3])
  #expect(spiral.y.sum(alongAxis: 0).scalars == [100, 100, 100])
  // Radii grow from 0 to 0.99 along each arm (r = i / N).
  #expect(abs(spiral.x.rows(99..<100).square().sum().scalar.squareRoot() - 0.99) < 1e-5)
  #expect(Datasets.spiral().x == Datasets.spiral().x)
  #expect(Datasets.spiral(seed: 2).x != Datasets.spiral().x)
  let moons = Datasets.moons(samples: 100, noise: 0)
  #expect(moons.x.shape == [100, 2])
  #expect(moons.y.sum().scalar == 50)
  #expect(abs(moons.x[0, 0].scalar - 1) < 1e-6)  // the first point of the upper moon is (1, 0)
  let circles = Datasets.circles(samples: 100, noise: 0, factor: 0.5)
  #expect(abs(circles.x.rows(60..<61).square().sum().scalar.squareRoot() - 0.5) < 1e-5)
  let blobs = Datasets.blobs(samples: 90, centers: 3, features: 4)
  #expect(blobs.x.shape == [90, 4])
  #expect(Set(blobs.y.scalars) == [0, 1, 2])
  #expect(Datasets.xor().y.scalars == [0, 1, 1, 0])
}
