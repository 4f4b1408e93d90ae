/// How data-parallel training combines the processes that run one `fit` together — the
/// collective operations of Keras's `DataParallel` or Horovod, and all `fit` needs of them.
///
/// Pass one to `fit(…, distribution:)` on every process (``rank`` 0 to ``worldSize`` − 1), each
/// with the same model, seed and data. Then `batchSize` is the global batch: each process
/// trains on its contiguous share of every global batch, the gradients (weighted by each
/// share's size), the loss and the metrics' sums are added across processes with one
/// ``allReduceSum(_:)`` per step, and every process applies the same update, so the weights stay
/// identical. The weights are broadcast from rank 0 when `fit` starts; `History`, the
/// validation metrics and the callbacks' logs are global and equal on every process; only the
/// chief (``rank`` 0) prints progress and writes `ModelCheckpoint` and `CSVLogger` files.
/// `BatchNormalization` normalises with each process's own batch statistics, as Horovod and
/// Keras's `DataParallel` do. Dropout masks are each process's own.
///
/// `StrataDistributed`'s `MPIDataParallel` implements it on MPI; a test can implement it in
/// one process.
public protocol TrainingDistribution: AnyObject {
  /// This process's index, `0..<worldSize`.
  var rank: Int { get }
  /// The number of processes.
  var worldSize: Int { get }
  /// Replaces `values` on every process with their element-wise sum over all processes
  /// (MPI's `MPI_Allreduce` with `MPI_SUM`). Every process passes the same count.
  func allReduceSum(_ values: inout [Float]) throws
  /// Replaces `values` on every process with those of process `root` (MPI's `MPI_Bcast`).
  func broadcast(_ values: inout [Float], from root: Int) throws
  /// Whether `fit` compares a hash of the weights with rank 0's after every epoch and throws
  /// on a difference (a debugging aid; one small broadcast per epoch). Default false.
  var checksWeightsEachEpoch: Bool { get }
}

extension TrainingDistribution {
  /// Whether this is rank 0, the process that prints and writes files.
  public var isChief: Bool { rank == 0 }

  /// No check by default.
  public var checksWeightsEachEpoch: Bool { false }

  /// Throws unless this process's weights hash as rank 0's do (FNV-1a over every weight's
  /// bits, sent as four 16-bit pieces, which floats hold exactly).
  func checkWeightsMatchChief(of model: Sequential, epoch: Int) throws {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for weight in model.weights {
      for scalar in weight.value.scalars {
        hash = (hash ^ UInt64(scalar.bitPattern)) &* 0x100_0000_01b3
      }
    }
    let local = (0..<4).map { Float((hash >> (16 * UInt64($0))) & 0xFFFF) }
    var chief = local
    try broadcast(&chief, from: 0)
    guard chief == local else {
      throw StrataError(
        .invalidState,
        "rank \(rank): after epoch \(epoch + 1) the weights differ from rank 0's (hash \(String(hash, radix: 16))); every rank must start from the same model and data and apply the same updates"
      )
    }
  }

  /// The part of `range` (a global batch, or all validation samples) this process takes: the
  /// `rank`-th of `worldSize` contiguous pieces, sizes differing by at most one.
  func share(of range: Range<Int>) -> Range<Int> {
    let count = range.count
    let start = range.lowerBound + count * rank / worldSize
    let end = range.lowerBound + count * (rank + 1) / worldSize
    return start..<end
  }

  /// Makes every process's weights (and optimizer slots, where they exist) rank 0's.
  func broadcastState(of model: Sequential) throws {
    var tensors = model.weights.map(\.value)
    if let optimizer = model.optimizer {
      for weight in model.trainableWeights { tensors += optimizer.slots(for: weight) }
    }
    var flat = tensors.flatMap(\.scalars)
    try broadcast(&flat, from: 0)
    var offset = 0
    var restored: [Tensor] = []
    for tensor in tensors {
      restored.append(
        Tensor(shape: tensor.shape, scalars: Array(flat[offset..<(offset + tensor.scalarCount)])))
      offset += tensor.scalarCount
    }
    for (weight, value) in zip(model.weights, restored) { weight.value = value }
    if let optimizer = model.optimizer {
      var index = model.weights.count
      for weight in model.trainableWeights {
        let count = optimizer.slots(for: weight).count
        optimizer.core.replaceSlots(Array(restored[index..<(index + count)]), for: weight)
        index += count
      }
    }
  }

  /// Averages the non-trainable weights (BatchNormalization's moving statistics, which each
  /// process updates from its own batches) over the processes.
  func averageNonTrainableWeights(of model: Sequential) throws {
    let weights = model.nonTrainableWeights
    guard worldSize > 1, !weights.isEmpty else { return }
    var flat = weights.flatMap(\.value.scalars)
    try allReduceSum(&flat)
    var offset = 0
    let scale = 1 / Float(worldSize)
    for weight in weights {
      let count = weight.value.scalarCount
      weight.value = Tensor(
        shape: weight.shape, scalars: flat[offset..<(offset + count)].map { $0 * scale })
      offset += count
    }
  }

  /// Sums the metrics' states over the processes (each accumulator's whole state).
  func reduce(_ metrics: [MetricState], loss: inout (sum: Double, count: Double)) throws {
    var flat: [Float] = [Float(loss.sum), Float(loss.count)]
    for metric in metrics { flat += metric.accumulator.summableState.map { Float($0) } }
    try allReduceSum(&flat)
    loss = (Double(flat[0]), Double(flat[1]))
    var offset = 2
    for metric in metrics {
      let count = metric.accumulator.summableState.count
      metric.accumulator.summableState = flat[offset..<(offset + count)].map { Double($0) }
      offset += count
    }
  }
}
