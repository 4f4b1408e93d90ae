/// The record of a traced computation: one node per op output, in the order they ran.
///
/// A tape is created by ``valueWithGradient(at:of:)``; ops whose inputs carry a ``Trace``
/// append a node holding the indices of their traced inputs and a pullback that maps the
/// gradient of the output to the gradients of the inputs. Pullbacks capture only untraced
/// copies of tensors, so a tape never keeps itself alive through a cycle.
///
/// The nodes sit behind a lock, so ops on traced tensors may run on several threads (a task
/// group inside the differentiated closure); the gradient pass itself runs on one.
final class Tape: Sendable {
  struct Node: Sendable {
    /// Tape indices of the op's inputs; `nil` for an input that is a constant.
    let parents: [Int?]
    /// Maps the output's gradient to one gradient per input (`nil` where none is needed).
    let pullback: Pullback?
    /// The shape of the node's value, used to seed and to check gradients.
    let shape: [Int]
    /// For a node whose value is the contiguous run `offset ..< offset + count` of its one
    /// parent's values (a time step or a mini-batch of rows): the gradient is added into
    /// that run of the parent's gradient in place, so that slicing a tensor into `n` pieces
    /// costs `O(size)` in the backward pass rather than `n` full-size zero-padded gradients.
    var parentOffset: Int? = nil
    /// A gradient gathered outside the tape (by the products of a ``RepeatedProduct``) and
    /// formed in one piece when the backward pass reaches this node.
    var deferred: DeferredGradient? = nil
  }

  /// An op's gradient rule: the output's gradient and, per input, whether its gradient is
  /// wanted, to one gradient (or `nil`) per input.
  typealias Pullback = @Sendable (Tensor, [Bool]) -> [Tensor?]

  private let nodes = Locked<[Node]>([])

  /// Drops every node (and the tensors their pullbacks hold) once gradients are computed, so
  /// that no reference cycle through a traced tensor can keep a tape alive.
  func releaseNodes() {
    nodes.withLock { $0.removeAll() }
  }

  func appendLeaf(shape: [Int]) -> Int {
    nodes.withLock { nodes in
      nodes.append(Node(parents: [], pullback: nil, shape: shape))
      return nodes.count - 1
    }
  }

  func appendSlice(parent: Int, offset: Int, shape: [Int]) -> Int {
    nodes.withLock { nodes in
      nodes.append(Node(parents: [parent], pullback: nil, shape: shape, parentOffset: offset))
      return nodes.count - 1
    }
  }

  func append(
    parents: [Int?], shape: [Int], deferred: DeferredGradient?, pullback: @escaping Pullback
  ) -> Int {
    nodes.withLock { nodes in
      nodes.append(
        Node(parents: parents, pullback: pullback, shape: shape, deferred: deferred))
      return nodes.count - 1
    }
  }

  func append(parents: [Int?], shape: [Int], pullback: @escaping Pullback) -> Int {
    nodes.withLock { nodes in
      nodes.append(Node(parents: parents, pullback: pullback, shape: shape))
      return nodes.count - 1
    }
  }

  /// Runs the pullbacks from `root` back to the start and returns the gradients of the
  /// requested nodes (zeros for nodes the root does not depend on).
  func gradients(from root: Int, seed: Tensor, of targets: [Int]) -> [Tensor] {
    let nodes = self.nodes.current
    var grads = [Tensor?](repeating: nil, count: root + 1)
    var keep = [Bool](repeating: false, count: root + 1)
    for target in targets where target <= root { keep[target] = true }
    grads[root] = seed
    for index in stride(from: root, through: 0, by: -1) {
      if let deferred = nodes[index].deferred, let gathered = deferred.gradient() {
        grads[index] = grads[index].map { $0.detached.adding(gathered) } ?? gathered
      }
      guard let upstream = grads[index] else { continue }
      let node = nodes[index]
      if let offset = node.parentOffset, let parent = node.parents[0] {
        if !keep[index] { grads[index] = nil }
        if grads[parent] == nil { grads[parent] = Tensor.zeros(nodes[parent].shape) }
        grads[parent]!.withUnsafeMutableScalars { destination in
          upstream.withUnsafeScalars { source in
            // On pointers, without the overflow check of `offset + i`, the loop vectorises:
            // indexed, it was a scalar loop that took 2.5% of an LSTM epoch.
            guard let from = source.baseAddress else { return }
            let to = destination.baseAddress! + offset
            for i in 0..<source.count { to[i] += from[i] }
          }
        }
        continue
      }
      guard let pullback = node.pullback else { continue }
      if !keep[index] { grads[index] = nil }
      let needs = node.parents.map { $0 != nil }
      let parentGrads = pullback(upstream, needs)
      for (slot, parent) in node.parents.enumerated() {
        guard let parent, let grad = parentGrads[slot] else { continue }
        precondition(
          grad.shape == nodes[parent].shape,
          "gradient: pullback produced shape \(grad.shape) for an input of shape \(nodes[parent].shape)"
        )
        if let existing = grads[parent] {
          grads[parent] = existing.detached.adding(grad)
        } else {
          grads[parent] = grad
        }
      }
    }
    return targets.map { target in
      if target <= root, let grad = grads[target] { return grad }
      return Tensor.zeros(nodes[target].shape)
    }
  }
}

/// A tensor's place on a tape.
struct Trace: Sendable {
  let tape: Tape
  let index: Int
}

extension Tensor {
  /// Returns `value`, recorded on the tape of the first traced input with `pullback` as its
  /// gradient rule; returns `value` untraced when no input is traced.
  ///
  /// The pullback receives the output's gradient and, for each input, whether its gradient is
  /// wanted; it returns one gradient (of the input's shape) or `nil` per input.
  static func record(
    _ value: Tensor, inputs: [Tensor], pullback: @escaping Tape.Pullback
  ) -> Tensor {
    guard let tape = inputs.lazy.compactMap({ $0.trace?.tape }).first else { return value }
    let parents = inputs.map { input -> Int? in
      guard let trace = input.trace, trace.tape === tape else { return nil }
      return trace.index
    }
    var result = value.detached
    result.trace = Trace(
      tape: tape, index: tape.append(parents: parents, shape: value.shape, pullback: pullback))
    return result
  }

  /// Returns `value` recorded with `pullback` as its gradient rule and `deferred` as a source
  /// of more gradient, formed when the backward pass reaches it.
  static func record(
    _ value: Tensor, inputs: [Tensor], deferred: DeferredGradient,
    pullback: @escaping Tape.Pullback
  ) -> Tensor {
    guard let tape = inputs.lazy.compactMap({ $0.trace?.tape }).first else { return value }
    let parents = inputs.map { input -> Int? in
      guard let trace = input.trace, trace.tape === tape else { return nil }
      return trace.index
    }
    var result = value.detached
    result.trace = Trace(
      tape: tape,
      index: tape.append(
        parents: parents, shape: value.shape, deferred: deferred, pullback: pullback))
    return result
  }

  /// Returns `value`, the values `offset ..< offset + value.scalarCount` of `input`, recorded
  /// as a slice: its gradient is added into that run of the input's gradient in place.
  static func recordContiguousSlice(_ value: Tensor, of input: Tensor, offset: Int) -> Tensor {
    guard let trace = input.trace else { return value }
    var result = value.detached
    result.trace = Trace(
      tape: trace.tape,
      index: trace.tape.appendSlice(parent: trace.index, offset: offset, shape: value.shape))
    return result
  }

  /// Shorthand for a one-input op.
  static func record(
    _ value: Tensor, input: Tensor, pullback: @escaping @Sendable (Tensor) -> Tensor
  ) -> Tensor {
    guard input.trace != nil else { return value }
    return record(value, inputs: [input]) { grad, _ in [pullback(grad)] }
  }
}

/// Pieces of one node's gradient collected by pullbacks that run later in the backward pass
/// than the node's consumers would deliver them, and the rule that forms the gradient from
/// all of them at once (one GEMM instead of one per piece).
final class DeferredGradient: Sendable {
  private let pieces = Locked<[(Tensor, Tensor)]>([])
  private let combine: @Sendable ([(Tensor, Tensor)]) -> Tensor

  init(combine: @escaping @Sendable ([(Tensor, Tensor)]) -> Tensor) {
    self.combine = combine
  }

  /// Adds one piece (for a product: its input and its output's gradient).
  func add(_ first: Tensor, _ second: Tensor) {
    pieces.withLock { $0.append((first.detached, second.detached)) }
  }

  /// The gradient from every piece added so far, which are then dropped; nil when none was.
  func gradient() -> Tensor? {
    let gathered = pieces.withLock { pieces -> [(Tensor, Tensor)] in
      defer { pieces.removeAll() }
      return pieces
    }
    return gathered.isEmpty ? nil : combine(gathered)
  }
}
