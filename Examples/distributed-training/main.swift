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
var failRank: Int? = nil
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments[0], arguments[1])
  arguments.removeFirst(2)
  guard flag == "--fail-rank", let rank = Int(value) else {
    print("unknown option \(flag); usage: distributed-training [--fail-rank N]")
    exit(64)
  }
  failRank = rank
}

let mpi = try MPIDataParallel(checkingWeights: true)

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
