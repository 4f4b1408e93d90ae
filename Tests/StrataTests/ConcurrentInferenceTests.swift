import Foundation
import Testing

@testable import Strata

/// Hands values that are not `Sendable` to `concurrentPerform`; the test is what checks that
/// sharing them is safe.
private final class Unchecked<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// Runs `body` on four threads at once and returns what each returned.
private func onFourThreads<Value>(_ body: @escaping () throws -> Value) -> [Result<Value, Error>] {
  let results = Locked<[Int: Result<Value, Error>]>([:])
  let work = Unchecked(body)
  DispatchQueue.concurrentPerform(iterations: 4) { index in
    let result = Result { try work.value() }
    results.withLock { $0[index] = result }
  }
  return results.withLock { stored in (0..<4).map { stored[$0]! } }
}

// ThreadSanitizer runs these in CI (`swift test --sanitize=thread --filter ConcurrentInference`):
// threads predicting and evaluating with one model must not race, whether it is built or not.
@Test func concurrentPredictOnOneModelGivesTheSerialResult() throws {
  var generator = RandomGenerator(seed: 8)
  let x = Tensor.normal([512, 32], generator: &generator)
  for prebuilt in [true, false] {
    let model = Sequential(seed: 3) {
      Dense(units: 64, activation: .relu)
      BatchNormalization()
      Dense(units: 10, activation: .softmax)
    }
    if prebuilt { try model.build(inputShape: [32]) }
    let shared = Unchecked((model, x))
    let outputs = onFourThreads { try shared.value.0.predict(shared.value.1, batchSize: 128) }
    let serial = try model.predict(x, batchSize: 128)
    for output in outputs { #expect(try output.get() == serial) }
  }
}

@Test func concurrentEvaluationOfAConvnetGivesTheSerialResult() throws {
  var generator = RandomGenerator(seed: 9)
  let x = Tensor.uniform([96, 12, 12, 1], generator: &generator)
  let y = Tensor((0..<96).map { Float($0 % 4) })
  let model = Sequential(seed: 2) {
    Input(shape: [12, 12, 1])
    Conv2D(filters: 8, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Flatten()
    Dense(units: 4, activation: .softmax)
  }
  model.compile(optimizer: .adam, loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
  let shared = Unchecked((model, x, y))
  let results = onFourThreads {
    try shared.value.0.evaluate(shared.value.1, shared.value.2, batchSize: 32, verbose: 0)
  }
  let serial = try model.evaluate(x, y, batchSize: 32, verbose: 0)
  for result in results { #expect(try result.get() == serial) }
}
