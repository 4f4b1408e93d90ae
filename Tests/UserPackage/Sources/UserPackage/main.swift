// A user's program in Swift 6 language mode with complete strict concurrency: `.ci/run` builds
// it as a package depending on Strata with warnings treated as errors, then runs it.
import Strata

/// A model is a mutable reference type (as a Keras model is): it lives in one actor, which
/// any task may call. Tensors, losses, metrics and activations are Sendable values.
actor Classifier {
  private let model = Sequential(seed: 1) {
    Dense(units: 8, inputShape: [4], activation: .relu)
    Dense(units: 3, activation: .softmax)
  }

  init() {
    model.compile(optimizer: .adam, loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
  }

  func train(_ x: Tensor, _ y: Tensor) throws -> [Float] {
    try model.fit(x, y, epochs: 2, batchSize: 3, verbose: 0)["accuracy"] ?? []
  }

  func predict(_ x: Tensor) throws -> Tensor { try model.predict(x) }
}

@main
struct UserPackage {
  static func main() async throws {
    let classifier = Classifier()
    let x = Tensor.ones([6, 4])
    _ = try await classifier.train(x, Tensor([0, 1, 2, 0, 1, 2]))
    // Predictions from a task, and from several at once.
    let probabilities = try await Task { try await classifier.predict(x) }.value
    let batches = try await withThrowingTaskGroup(of: Tensor.self) { group in
      for rows in [0..<2, 2..<6] { group.addTask { try await classifier.predict(x[rows]) } }
      var rows = 0
      for try await batch in group { rows += batch.shape[0] }
      return rows
    }

    // Values cross tasks freely: each child task evaluates one loss on the same tensors.
    let losses: [any Loss] = [.meanSquaredError, .huber(delta: 0.5), .kullbackLeiblerDivergence]
    let target = Tensor.full([6, 3], value: 1.0 / 3)
    let values = await withTaskGroup(of: (String, Float).self) { group in
      for loss in losses {
        group.addTask {
          (loss.name, loss.values(target: target, prediction: probabilities).mean().scalar)
        }
      }
      var results: [String: Float] = [:]
      for await (name, value) in group { results[name] = value }
      return results
    }
    let activation: ActivationFunction = .gelu
    let sum = await Task.detached { activation(probabilities).sum().scalar }.value
    print(
      "predictions \(probabilities.shape) (\(batches) rows in parallel), losses \(values.keys.sorted()), gelu sum \(sum)"
    )
  }
}
