import Foundation
import Strata
import StrataDistributed

// Data-parallel training on Open MPI, and its check: run under mpirun, every rank first trains
// the model alone (the reference), then together with the others on the same global batches;
// History and weights must equal the reference's to 1e-5 relative, and every rank must hold
// the same bits. With --fail-rank N, rank N throws during the first epoch and every rank must
// stop (MPI_Abort) instead of waiting for it.
//
//   OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
//     mpirun --oversubscribe -np 3 .build/release/distributed-training [--fail-rank N]
//
// With --benchmark EPOCHS it instead times MLP-A (784-512-512-10, Dropout 0.2, Adam, global
// batch 128) on all of Fashion-MNIST: the last epoch's time and the median all-reduce per step
// (docs/distributed.md). Run it alone for one process, or under mpirun.
var failRank: Int? = nil
var benchmarkEpochs: Int? = nil
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments[0], arguments[1])
  arguments.removeFirst(2)
  switch (flag, Int(value)) {
  case ("--fail-rank", let rank?): failRank = rank
  case ("--benchmark", let epochs?): benchmarkEpochs = epochs
  default:
    print(
      "unknown option \(flag); usage: distributed-training [--fail-rank N | --benchmark EPOCHS]")
    exit(64)
  }
}

let mpi = try MPIDataParallel(checkingWeights: true)

/// Forwards to MPI, timing each all-reduce.
final class TimedDistribution: TrainingDistribution {
  let inner: MPIDataParallel
  var reduceSeconds: [Double] = []
  init(_ inner: MPIDataParallel) { self.inner = inner }
  var rank: Int { inner.rank }
  var worldSize: Int { inner.worldSize }
  func allReduceSum(_ values: inout [Float]) throws {
    let start = DispatchTime.now().uptimeNanoseconds
    try inner.allReduceSum(&values)
    reduceSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  func broadcast(_ values: inout [Float], from root: Int) throws {
    try inner.broadcast(&values, from: root)
  }
}

/// Records when each epoch ends.
final class EpochClock: Callback {
  var ends: [Double] = []
  var start = Date()
  func onEpochBegin(epoch: Int, context: TrainingContext) { start = Date() }
  func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) {
    ends.append(Date().timeIntervalSince(start))
  }
}

if let epochs = benchmarkEpochs {
  let data = mpi.run { try FashionMNIST.load() }
  let model = Sequential(seed: 1) {
    Input(shape: [784])
    Dense(units: 512, activation: .relu)
    Dropout(rate: 0.2)
    Dense(units: 512, activation: .relu)
    Dropout(rate: 0.2)
    Dense(units: 10, activation: .softmax)
  }
  model.compile(
    optimizer: .adam(learningRate: 1e-3), loss: .sparseCategoricalCrossentropy,
    metrics: [.accuracy])
  let timed = TimedDistribution(mpi)
  let clock = EpochClock()
  let history = mpi.run {
    try model.fit(
      data.trainImages, data.trainLabels, epochs: epochs, batchSize: 128,
      distribution: mpi.worldSize > 1 ? timed : nil, verbose: 0, callbacks: [clock])
  }
  let sorted = timed.reduceSeconds.sorted()
  let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2] * 1e6
  print(
    "distributed-training benchmark rank \(mpi.rank) of \(mpi.worldSize), \(ComputeThreads.count) threads: "
      + "last epoch \(String(format: "%.3f", clock.ends.last ?? 0)) s, all-reduce median \(String(format: "%.0f", median)) µs "
      + "over \(sorted.count) steps of \(model.parameterCount + 1) floats, accuracy \(history.history["accuracy"]?.last ?? 0)"
  )
  exit(0)
}

/// Throws at the third batch on the rank told to fail.
final class FailingRank: Callback {
  let rank: Int
  init(rank: Int) { self.rank = rank }
  func onTrainBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) throws {
    if batch == 2 {
      throw StrataError(.invalidState, "rank \(rank) fails on purpose at batch 3 (--fail-rank)")
    }
  }
}

func makeModel() -> Sequential {
  let model = Sequential(seed: 11) {
    Input(shape: [784])
    Dense(units: 64, activation: .relu, regularizer: .l2(1e-4))
    Dense(units: 10, activation: .softmax)
  }
  model.compile(
    optimizer: .adam(learningRate: 2e-3), loss: .sparseCategoricalCrossentropy,
    metrics: [.accuracy])
  return model
}

let data = mpi.run { try FashionMNIST.load() }
let (x, y) = (data.trainImages[0..<3000], data.trainLabels[0..<3000])
let epochs = 2
let batchSize = 100

let alone = makeModel()
let reference = mpi.run {
  try alone.fit(x, y, epochs: epochs, batchSize: batchSize, validationSplit: 0.1, verbose: 0)
}
let together = makeModel()
let callbacks: [any Callback] = failRank == mpi.rank ? [FailingRank(rank: mpi.rank)] : []
let started = Date()
let history = mpi.run {
  try together.fit(
    x, y, epochs: epochs, batchSize: batchSize, validationSplit: 0.1, distribution: mpi,
    verbose: mpi.isChief ? 2 : 0, callbacks: callbacks)
}
let seconds = Date().timeIntervalSince(started)

/// The largest relative difference between two lists (infinite when their lengths differ).
func difference(_ found: [Float], _ expected: [Float]) -> Float {
  guard found.count == expected.count else { return .infinity }
  return zip(found, expected).reduce(0) { max($0, abs($1.0 - $1.1) / max(1, abs($1.1))) }
}
var largest: Float = 0
for (key, values) in reference.history {
  largest = max(largest, difference(history.history[key] ?? [], values))
}
for (a, e) in zip(together.getWeights(), alone.getWeights()) {
  largest = max(largest, difference(a.scalars, e.scalars))
}

// The same bits everywhere: rank 0's weights, broadcast, against this rank's.
let local = together.getWeights().flatMap(\.scalars)
var chiefs = local
mpi.run { try mpi.broadcast(&chiefs, from: 0) }
let identical = chiefs == local

print(
  "distributed-training rank \(mpi.rank) of \(mpi.worldSize): \(String(format: "%.2f", seconds)) s; "
    + "val_accuracy \(history.history["val_accuracy"]?.last ?? .nan); largest relative difference from one process "
    + "\(largest); same weights as rank 0: \(identical)")
if !(largest <= 1e-5) || !identical {
  mpi.abort("History or weights differ from one process's (\(largest)) or from rank 0's")
}
if mpi.isChief { print("distributed-training ranks agreeing with one process: \(mpi.worldSize)") }
