extension Tensor {
  /// Runs one computation on slices of a batch's rows side by side, one slice per compute thread,
  /// and stacks the slices' results — with gradients, the backward passes of the slices also
  /// side by side.
  ///
  /// A recurrent layer's time steps depend on each other, so each op of a step is too small to
  /// split well: two threads splitting every step's GEMM and gate op meet hundreds of times per
  /// batch and the serial work between them (copies, the tape) keeps one idle. But its samples
  /// do not depend on each other. Here each thread runs the whole recurrence for its own rows on
  /// its own tape, with every kernel inside on that thread; the threads meet once forward and
  /// once backward.
  ///
  /// ```swift
  /// let output = try Tensor.rowParallel([x], sharing: [w]) { rows, shared in
  ///   try recurrence(rows[0], weight: shared[0])
  /// }
  /// ```
  ///
  /// - Each slice's result must have the slice's rows on its first axis, and the same shape
  ///   otherwise; `body` must compute the rows of its result from the same rows of `batched`
  ///   only. Values are then the same bits however the rows are split: every kernel computes a
  ///   row the same way in a smaller batch.
  /// - `shared` tensors (weights) go whole to every slice; their gradient is the sum of the
  ///   slices' gradients, added in slice order. It can differ from the unsplit gradient in the
  ///   last bits (a different summation order), so trained weights depend on the thread count,
  ///   as with any split of a sum.
  /// - `body` must compute from its arguments and from untraced tensors only: a traced tensor
  ///   it captures from outside would be a constant inside, with no gradient.
  /// - With one part (one thread, or one row) `body` runs once, directly, on the whole batch.
  /// - When slices throw, the error of the first slice that failed is thrown.
  public static func rowParallel(
    _ batched: [Tensor], sharing shared: [Tensor] = [], parts requested: Int? = nil,
    _ body: (_ rows: [Tensor], _ shared: [Tensor]) throws -> Tensor
  ) throws -> Tensor {
    precondition(!batched.isEmpty, "rowParallel: needs at least one batched tensor")
    let batch = batched[0].shape.first ?? 0
    for tensor in batched {
      precondition(
        tensor.rank >= 1 && tensor.shape[0] == batch,
        "rowParallel: every batched tensor needs \(batch) rows, got shape \(tensor.shape)")
    }
    let parts = Swift.min(requested ?? ComputeThreads.count, batch)
    if parts <= 1 { return try body(batched, shared) }
    let ranges = (0..<parts).map { part in (batch * part / parts)..<(batch * (part + 1) / parts) }
    let inputs = batched + shared
    let traced = inputs.contains(where: \.isTraced)
    var slices = [SliceRun?](repeating: nil, count: parts)
    let failures = Locked<[(part: Int, error: any Error)]>([])
    slices.withUnsafeMutableBufferPointer { slices in
      runParallel(parts: parts) { part in
        let rows = batched.map { $0.detached.rows(ranges[part]) }
        do {
          slices[part] = try SliceRun(
            rows: rows, shared: shared.map(\.detached), tracing: traced ? inputs : nil, body: body)
        } catch {
          failures.withLock { $0.append((part, error)) }
        }
      }
    }
    if let first = failures.withLock({ $0.min { $0.part < $1.part } }) { throw first.error }
    let runs = slices.map { $0! }
    for (run, range) in zip(runs, ranges) {
      precondition(
        run.value.shape.first == range.count
          && run.value.shape.dropFirst() == runs[0].value.shape.dropFirst(),
        "rowParallel: a slice of \(range.count) rows gave a result of shape \(run.value.shape), the first slice \(runs[0].value.shape); results must have the slice's rows first and the same shape otherwise"
      )
    }
    let value = concatenating(runs.map(\.value), alongAxis: 0)
    guard traced else { return value }
    let batchedCount = batched.count
    return record(value, inputs: inputs) { grad, needs in
      var gradients = [[Tensor?]](repeating: [], count: parts)
      gradients.withUnsafeMutableBufferPointer { gradients in
        runParallel(parts: parts) { part in
          gradients[part] = runs[part].gradients(seed: grad.rows(ranges[part]), needs: needs)
        }
      }
      return (0..<inputs.count).map { input -> Tensor? in
        guard needs[input] else { return nil }
        let pieces = (0..<parts).map { part in
          gradients[part][input]
            ?? zeros(
              input < batchedCount
                ? [ranges[part].count] + inputs[input].shape.dropFirst() : inputs[input].shape)
        }
        if input < batchedCount { return concatenating(pieces, alongAxis: 0) }
        return pieces.dropFirst().reduce(pieces[0]) { $0.adding($1) }
      }
    }
  }
}

/// One slice of a ``Tensor/rowParallel(_:sharing:parts:_:)`` call: its result and, when
/// gradients are wanted, the tape it was recorded on.
private final class SliceRun: Sendable {
  let value: Tensor
  private let tape: Tape?
  private let root: Int?
  /// The tape index of each input's leaf (nil for an input that was not traced outside).
  private let leaves: [Int?]

  init(
    rows: [Tensor], shared: [Tensor], tracing outer: [Tensor]?,
    body: ([Tensor], [Tensor]) throws -> Tensor
  ) throws {
    guard let outer else {
      value = try body(rows, shared)
      (tape, root, leaves) = (nil, nil, [])
      return
    }
    let tape = Tape()
    var leaves: [Int?] = []
    let arguments = zip(rows + shared, outer).map { argument, original -> Tensor in
      guard original.isTraced else {
        leaves.append(nil)
        return argument
      }
      var leaf = argument
      let index = tape.appendLeaf(shape: argument.shape)
      leaf.trace = Trace(tape: tape, index: index)
      leaves.append(index)
      return leaf
    }
    let result = try body(Array(arguments[..<rows.count]), Array(arguments[rows.count...]))
    value = result.detached
    self.tape = tape
    self.leaves = leaves
    if let trace = result.trace, trace.tape === tape {
      root = trace.index
    } else {
      root = nil
      tape.releaseNodes()
    }
  }

  /// The gradients of the inputs (nil where not needed or not traced) for the result's
  /// gradient `seed`; the tape is released afterwards.
  func gradients(seed: Tensor, needs: [Bool]) -> [Tensor?] {
    guard let tape, let root else { return leaves.map { _ in nil } }
    let wanted = leaves.enumerated().compactMap { input, leaf in needs[input] ? leaf : nil }
    let computed = tape.gradients(from: root, seed: seed, of: wanted)
    tape.releaseNodes()
    var next = computed.makeIterator()
    return leaves.enumerated().map { input, leaf in
      leaf != nil && needs[input] ? next.next() : nil
    }
  }
}
