import Foundation

/// Updates a model's trainable weights from their gradients, as a Keras optimizer.
///
/// Write `optimizer: .adam(learningRate: 0.001)`, `optimizer: .sgd`, or an instance such as
/// `Adam(learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7)`. An optimizer keeps
/// per-weight state (slots) and its step count, so calling `fit` again continues where the
/// last call stopped. The update order follows Keras's `BaseOptimizer.apply`: clip the
/// gradients, apply decoupled weight decay, then the optimizer's own rule; `iterations` then
/// grows by one.
open class Optimizer {
  /// The Keras name of the algorithm (`"adam"`).
  public let name: String
  /// The base learning rate.
  public var learningRate: Float
  /// Scale each gradient so its L2 norm is at most this (Keras's `clipnorm`).
  public let clipNorm: Float?
  /// Clip each gradient value to `[−clipValue, clipValue]` (Keras's `clipvalue`).
  public let clipValue: Float?
  /// Scale all gradients together so their joint L2 norm is at most this (`global_clipnorm`).
  public let globalClipNorm: Float?
  /// Decoupled weight decay: before each update `w −= w · weightDecay · lr`.
  public let weightDecay: Float?
  /// Time-based learning-rate decay as in Keras 2 and the books:
  /// `lr_t = learningRate / (1 + decay · iterations)`.
  public let decay: Float
  /// The number of updates applied so far.
  public internal(set) var iterations: Int = 0
  /// A schedule that replaces `learningRate` when set (Keras's `learning_rate=schedule`).
  public var learningRateSchedule: (any LearningRateSchedule)?

  private var slotStore: [ObjectIdentifier: SlotBuffers] = [:]

  /// Sets the options shared by every optimizer.
  public init(
    name: String, learningRate: Float, clipNorm: Float? = nil, clipValue: Float? = nil,
    globalClipNorm: Float? = nil, weightDecay: Float? = nil, decay: Float = 0
  ) {
    self.name = name
    self.learningRate = learningRate
    self.clipNorm = clipNorm
    self.clipValue = clipValue
    self.globalClipNorm = globalClipNorm
    self.weightDecay = weightDecay
    self.decay = decay
  }

  /// How many state buffers of the weight's size this algorithm keeps per weight.
  open var slotCount: Int { 0 }

  /// The starting value of slot `index` (Keras starts every slot at 0 unless noted).
  open func initialSlotValue(_ index: Int) -> Float { 0 }

  /// Called once per step before the per-weight updates, with the step number `t ≥ 1`.
  open func prepareStep(_ step: Int) {}

  /// The algorithm's rule for one weight: update `parameter` in place from `gradient`, using
  /// and updating `slots`, at `learningRate` on step `t = step` (1-based).
  open func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate: Float, step: Int
  ) {
    fatalError(
      "\(type(of: self)) must override update(parameter:gradient:slots:learningRate:step:)")
  }

  /// The learning rate used by the next step: the schedule's rate at `iterations`, or
  /// `learningRate / (1 + decay · iterations)`.
  public var currentLearningRate: Float {
    if let learningRateSchedule { return learningRateSchedule.rate(at: iterations) }
    return decay == 0 ? learningRate : learningRate / (1 + decay * Float(iterations))
  }

  /// Uses `schedule` for the learning rate and returns this optimizer:
  /// `SGD().scheduled(by: CosineDecay(initialLearningRate: 0.1, decaySteps: 1000))`.
  @discardableResult
  public func scheduled(by schedule: any LearningRateSchedule) -> Self {
    learningRateSchedule = schedule
    return self
  }

  /// Throws unless the options are usable (positive learning rate, at most one clip mode).
  func validate() throws {
    guard learningRate.isFinite && learningRate >= 0 else {
      throw StrataError(
        .invalidArgument,
        "Optimizer \(name): expected a non-negative learning rate. Received: learningRate=\(learningRate)"
      )
    }
    let clips = [clipNorm, clipValue, globalClipNorm].compactMap { $0 }
    guard clips.count <= 1 else {
      throw StrataError(
        .invalidArgument,
        "Optimizer \(name): only one of `clipNorm`, `clipValue` and `globalClipNorm` can be set.")
    }
    guard clips.allSatisfy({ $0 > 0 }) else {
      throw StrataError(
        .invalidArgument, "Optimizer \(name): clipping thresholds must be positive.")
    }
  }

  /// Applies one update to `weights` from `gradients` (one per weight, same shapes).
  public func apply(_ gradients: [Tensor], to weights: [Weight]) {
    precondition(
      gradients.count == weights.count,
      "Optimizer.apply: \(gradients.count) gradients for \(weights.count) weights")
    let clipped = clip(gradients)
    let rate = currentLearningRate
    let step = iterations + 1
    prepareStep(step)
    for (weight, gradient) in zip(weights, clipped) {
      let key = ObjectIdentifier(weight)
      let slots: SlotBuffers
      if let existing = slotStore[key] {
        slots = existing
      } else {
        slots = SlotBuffers(
          count: slotCount, size: weight.value.scalarCount, initialValue: initialSlotValue)
        slotStore[key] = slots
      }
      if let weightDecay, weightDecay != 0 {
        weight.value.withUnsafeMutableScalars { p in
          for i in p.indices { p[i] -= p[i] * weightDecay * rate }
        }
      }
      weight.value.withUnsafeMutableScalars { parameter in
        gradient.withUnsafeScalars { g in
          update(
            parameter: parameter, gradient: g, slots: slots.buffers, learningRate: rate, step: step)
        }
      }
    }
    iterations += 1
  }

  /// The slots of `weight`, in order (empty before its first update).
  public func slots(for weight: Weight) -> [Tensor] {
    (slotStore[ObjectIdentifier(weight)]?.buffers ?? []).map {
      Tensor(shape: weight.shape, scalars: Array($0))
    }
  }

  /// Replaces the slots of `weight` (when restoring a saved optimizer).
  func restoreSlots(_ values: [Tensor], for weight: Weight) {
    let buffers = SlotBuffers(count: values.count, size: weight.value.scalarCount) { _ in 0 }
    for (buffer, value) in zip(buffers.buffers, values) {
      value.withUnsafeScalars { source in _ = buffer.update(fromContentsOf: source) }
    }
    slotStore[ObjectIdentifier(weight)] = buffers
  }

  /// Forgets every slot and the step count (used when a model is compiled again).
  func resetState() {
    slotStore.removeAll()
    iterations = 0
  }

  private func clip(_ gradients: [Tensor]) -> [Tensor] {
    if let clipValue {
      return gradients.map { $0.clipped(lowerBound: -clipValue, upperBound: clipValue) }
    }
    if let clipNorm {
      return gradients.map { g in
        let norm = g.scalars.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > clipNorm ? g * (clipNorm / norm) : g
      }
    }
    if let globalClipNorm {
      let norm = gradients.reduce(Float(0)) { total, g in
        total + g.scalars.reduce(0) { $0 + $1 * $1 }
      }
      .squareRoot()
      guard norm.isFinite else { return gradients.map { Tensor.full($0.shape, value: .nan) } }
      return norm > globalClipNorm ? gradients.map { $0 * (globalClipNorm / norm) } : gradients
    }
    return gradients
  }
}

/// An optimizer's state buffers for one weight, allocated once and updated in place.
final class SlotBuffers {
  let buffers: [UnsafeMutableBufferPointer<Float>]

  init(count: Int, size: Int, initialValue: (Int) -> Float) {
    buffers = (0..<count).map { index in
      let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: size)
      buffer.initialize(repeating: initialValue(index))
      return buffer
    }
  }

  deinit {
    for buffer in buffers { buffer.deallocate() }
  }
}
