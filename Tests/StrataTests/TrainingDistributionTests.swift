import Foundation
import Testing

@testable import Strata

/// Several simulated processes in one: each rank runs on its own thread, and the collectives
/// meet at a barrier. The sum is taken in rank order, as a deterministic MPI reduction would.
final class InProcessGroup: @unchecked Sendable {
  let worldSize: Int
  private let condition = NSCondition()
  private var deposits: [[Float]?]
  private var result: [Float] = []
  private var arrived = 0
  private var departed = 0
  private var generation = 0

  init(worldSize: Int) {
    self.worldSize = worldSize
    deposits = Array(repeating: nil, count: worldSize)
  }

  /// The member for `rank`.
  func member(_ rank: Int) -> Member { Member(group: self, rank: rank) }

  /// Everyone deposits; the last to arrive combines; everyone takes the result.
  fileprivate func exchange(_ values: inout [Float], rank: Int, combine: ([[Float]]) -> [Float]) {
    condition.lock()
    defer { condition.unlock() }
    let myGeneration = generation
    deposits[rank] = values
    arrived += 1
    if arrived == worldSize {
      result = combine(deposits.map { $0 ?? [] })
      arrived = 0
      generation += 1
      condition.broadcast()
    } else {
      while generation == myGeneration { condition.wait() }
    }
    values = result
  }

  final class Member: TrainingDistribution {
    let group: InProcessGroup
    let rank: Int
    var worldSize: Int { group.worldSize }
    var reductions = 0
    var checksWeightsEachEpoch = false

    init(group: InProcessGroup, rank: Int) {
      self.group = group
      self.rank = rank
    }

    func allReduceSum(_ values: inout [Float]) throws {
      reductions += 1
      group.exchange(&values, rank: rank) { all in
        var sum = [Float](repeating: 0, count: all[0].count)
        for part in all {
          precondition(part.count == sum.count, "ranks reduced buffers of different sizes")
          for index in sum.indices { sum[index] += part[index] }
        }
        return sum
      }
    }

    func broadcast(_ values: inout [Float], from root: Int) throws {
      group.exchange(&values, rank: rank) { all in all[root] }
    }
  }
}

/// What each simulated rank returned, behind a lock.
final class RankResults<T>: @unchecked Sendable {
  let lock = NSLock()
  var results: [Int: Result<T, any Error>] = [:]
}

/// Runs `body` for ranks 0..<count, each on its own thread, and collects what each returned.
func runRanks<T>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) -> [Result<
  T, any Error
>] {
  // One thread per rank: a pool (DispatchQueue.concurrentPerform) may run ranks one after
  // another on a small machine, and a rank waiting at a barrier would wait for ever.
  let box = RankResults<T>()
  let done = DispatchGroup()
  for rank in 0..<count {
    done.enter()
    let thread = Thread {
      let result = Result { try body(rank) }
      box.lock.withLock { box.results[rank] = result }
      done.leave()
    }
    thread.stackSize = 8 << 20
    thread.start()
  }
  done.wait()
  return (0..<count).map { box.results[$0]! }
}

/// A model and data for the equivalence runs (no dropout: masks are each process's own).
private func distributedCase(seed: UInt64) -> (Sequential, Tensor, Tensor) {
  let model = Sequential(seed: seed) {
    Input(shape: [6])
    Dense(units: 16, activation: .relu, regularizer: .l2(1e-3))
    Dense(units: 3, activation: .softmax)
  }
  model.compile(
    optimizer: .adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy,
    metrics: [.accuracy], weightedMetrics: [.sparseCategoricalAccuracy])
  var generator = RandomGenerator(seed: 42)
  let x = Tensor.normal([90, 6], generator: &generator)
  let labels = x.scalars.enumerated().filter { $0.offset % 6 == 0 }.map { $0.element > 0 ? 1 : 0 }
  let y = Tensor(
    shape: [90], scalars: labels.enumerated().map { Float(($0.element + $0.offset % 3) % 3) })
  return (model, x, y)
}

@Test(arguments: [2, 3])
func dataParallelFitEqualsOneProcess(worldSize: Int) throws {
  // A global batch of 16 over 2 or 3 ranks (shares of 8/8 and 5/5/6; the last batch of the
  // 63 training samples is 15 long), shuffled with the same seed, validation split: History
  // and weights equal one process's to 1e-5 relative (the summation order differs).
  let (single, x, y) = distributedCase(seed: 7)
  let weights = Tensor(shape: [90], scalars: (0..<90).map { Float(1 + $0 % 4) / 2 })
  let reference = try single.fit(
    x, y, epochs: 3, batchSize: 16, validationSplit: 0.3, sampleWeight: weights, verbose: 0)
  let group = InProcessGroup(worldSize: worldSize)
  let runs = runRanks(worldSize) { rank -> (History, Sequential) in
    let (model, x, y) = distributedCase(seed: 7)
    let history = try model.fit(
      x, y, epochs: 3, batchSize: 16, validationSplit: 0.3, sampleWeight: weights,
      distribution: group.member(rank), verbose: 0)
    return (history, model)
  }
  let histories = try runs.map { try $0.get().0 }
  let models = try runs.map { try $0.get().1 }
  for rank in 0..<worldSize {
    let history = histories[rank]
    #expect(Set(history.history.keys) == Set(reference.history.keys))
    for (key, values) in reference.history {
      expectClose(history.history[key] ?? [], values, tolerance: 1e-5)
    }
    let model = models[rank]
    for (found, expected) in zip(model.getWeights(), single.getWeights()) {
      expectClose(found.scalars, expected.scalars, tolerance: 1e-5)
    }
  }
  // Every rank holds the same bits.
  let first = models[0].getWeights()
  for rank in 1..<worldSize { #expect(models[rank].getWeights() == first) }
}

@Test func dataParallelEvaluateIsGlobal() throws {
  let (single, x, y) = distributedCase(seed: 3)
  try single.build(inputShape: [6])
  let expected = try single.evaluate(x, y, batchSize: 7, verbose: 0)
  let group = InProcessGroup(worldSize: 3)
  let results = try runRanks(3) { rank in
    let (model, x, y) = distributedCase(seed: 3)
    return try model.evaluate(x, y, batchSize: 7, distribution: group.member(rank), verbose: 0)
  }.map { try $0.get() }
  for logs in results {
    #expect(Set(logs.keys) == Set(expected.keys))
    for (key, value) in expected { expectClose([logs[key] ?? .nan], [value], tolerance: 1e-5) }
  }
}

@Test func weightCheckFindsARankThatDiverged() throws {
  // Rank 1 applies the same summed gradients with another learning rate, so its weights leave
  // rank 0's in the first epoch: with the check on, it throws after that epoch.
  let group = InProcessGroup(worldSize: 2)
  let runs = runRanks(2) { rank -> History in
    let (model, x, y) = distributedCase(seed: 5)
    if rank == 1 {
      model.compile(
        optimizer: .adam(learningRate: 0.02), loss: .sparseCategoricalCrossentropy,
        metrics: [.accuracy], weightedMetrics: [.sparseCategoricalAccuracy])
    }
    let member = group.member(rank)
    member.checksWeightsEachEpoch = true
    return try model.fit(x, y, epochs: 1, batchSize: 30, distribution: member, verbose: 0)
  }
  #expect((try? runs[0].get()) != nil)
  #expect(throws: StrataError.self) { try runs[1].get() }
  if case .failure(let error) = runs[1] {
    #expect("\(error)".contains("rank 1: after epoch 1 the weights differ from rank 0's"))
  }
}
