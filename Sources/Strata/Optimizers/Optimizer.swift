import Foundation

/// Updates a model's trainable weights from their gradients, as a Keras optimizer.
///
/// Write `optimizer: .adam(learningRate: 0.001)`, `optimizer: .sgd`, or an instance such as
/// `Adam(learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7)`. An optimizer keeps
/// per-weight state (slots) and its step count, so calling `fit` again continues where the
/// last call stopped. Like a Keras optimizer, it serves one model: compiling a second model
/// with it makes that model's `fit` throw.
///
/// The update order follows Keras's `BaseOptimizer.apply`: clip the gradients, apply decoupled
/// weight decay, then the optimizer's own rule (``update(parameter:gradient:slots:learningRate:step:)``);
/// `iterations` then grows by one. What every optimizer shares lives in its ``core``.
///
/// To write your own, adopt the protocol in a final class:
///
/// ```swift
/// final class SignSGD: Optimizer {
///     let core: OptimizerCore
///     init(learningRate: Float = 0.01) { core = OptimizerCore(name: "sign_sgd", learningRate: learningRate) }
///     var slotCount: Int { 0 }
///     func update(parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
///                 slots: [UnsafeMutableBufferPointer<Float>], learningRate: Float, step: Int) {
///         for i in parameter.indices { parameter[i] -= learningRate * (gradient[i] > 0 ? 1 : -1) }
///     }
///     var configuration: Configuration { core.configuration }
///     convenience init(configuration: Configuration) throws {
///         self.init(learningRate: try configuration.value("learning_rate", default: 0.01))
///     }
/// }
/// ```
public protocol Optimizer: AnyObject, Configurable {
  /// The options and state every optimizer has: learning rate and schedule, clipping, weight
  /// decay, the step count and the slots.
  var core: OptimizerCore { get }

  /// How many state buffers of the weight's size the rule keeps per weight.
  var slotCount: Int { get }

  /// The starting value of slot `index` (0 unless the rule says otherwise).
  func initialSlotValue(_ index: Int) -> Float

  /// Whether slot `index` can never be negative (a running average of squares): a model file
  /// whose slot holds a negative value there is refused, since the rule would take its root.
  func slotIsNonNegative(_ index: Int) -> Bool

  /// Called once per step before the per-weight updates, with the step number `t ≥ 1`.
  func prepareStep(_ step: Int)

  /// The rule for one weight: update `parameter` in place from `gradient`, using and updating
  /// `slots` (``slotCount`` buffers of the weight's size), at `learningRate` on step
  /// `t = step` (1-based).
  func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate: Float, step: Int)

  /// Throws a ``StrataError`` if the rule's own arguments are out of range (`fit` asks before
  /// training).
  func validateArguments() throws
}

extension Optimizer {
  /// Slots start at 0.
  public func initialSlotValue(_ index: Int) -> Float { 0 }
  /// No slot is constrained.
  public func slotIsNonNegative(_ index: Int) -> Bool { false }
  /// Nothing to prepare.
  public func prepareStep(_ step: Int) {}
  /// No arguments of its own to check.
  public func validateArguments() throws {}

  /// The Keras name of the algorithm (`"adam"`).
  public var name: String { core.name }

  /// The base learning rate (ignored while a ``learningRateSchedule`` is set).
  public var learningRate: Float {
    get { core.learningRate }
    set { core.learningRate = newValue }
  }

  /// A schedule that replaces `learningRate` when set (Keras's `learning_rate=schedule`).
  public var learningRateSchedule: (any LearningRateSchedule)? {
    get { core.learningRateSchedule }
    set { core.learningRateSchedule = newValue }
  }

  /// The number of updates applied so far (Keras's `iterations`): with
  /// `gradientAccumulationSteps`, the steps divided by it, rounded down; the learning-rate
  /// schedule sees the steps themselves, as in Keras.
  public var iterations: Int {
    core.gradientAccumulationSteps.map { core.iterations / $0 } ?? core.iterations
  }

  /// The learning rate used by the next step: the schedule's rate at `iterations`, or
  /// `learningRate / (1 + decay · iterations)`.
  public var currentLearningRate: Float { core.currentLearningRate }

  /// Uses `schedule` for the learning rate and returns this optimizer:
  /// `SGD().scheduled(by: CosineDecay(initialLearningRate: 0.1, decaySteps: 1000))`.
  @discardableResult
  public func scheduled(by schedule: any LearningRateSchedule) -> Self {
    core.learningRateSchedule = schedule
    return self
  }

  /// The slots of `weight`, in order (empty before its first update).
  public func slots(for weight: Weight) -> [Tensor] {
    core.slots(for: weight)
  }

  /// Applies one update to `weights` from `gradients` (one per weight, same shapes). Throws,
  /// changing nothing, when the counts or shapes differ or the optimizer already updates other
  /// weights (it serves one model).
  public func apply(_ gradients: [Tensor], to weights: [Weight]) throws {
    guard gradients.count == weights.count else {
      throw StrataError(
        .invalidArgument,
        "Optimizer \(name): \(gradients.count) gradients for \(weights.count) weights.")
    }
    for (index, (gradient, weight)) in zip(gradients, weights).enumerated()
    where gradient.shape != weight.shape {
      throw StrataError(
        .shapeMismatch,
        "Optimizer \(name): gradient \(index) has shape \(gradient.shape) for weight '\(weight.name)' of shape \(weight.shape)."
      )
    }
    try core.bind(to: weights, owner: nil)
    // The rule's step t: the number of this update (Keras's `iterations + 1`).
    let step = iterations + 1
    let states = weights.map {
      core.slotBuffers(for: $0, count: stateSlotCount, initialValue: initialStateValue)
    }
    // Gradient accumulation: a step that does not update adds its gradients to the sums; the
    // updating step uses the mean of the sums and its own gradients, and clears the sums.
    var gradients = gradients
    var updates = true
    if let accumulationSteps = core.gradientAccumulationSteps {
      let index = accumulatorSlot!
      updates = (core.iterations + 1) % accumulationSteps == 0
      for (position, (gradient, state)) in zip(gradients, states).enumerated() {
        let sums = state.buffers[index]
        if updates {
          let summed = gradient.withUnsafeScalars { g in
            (0..<g.count).map { (g[$0] + sums[$0]) / Float(accumulationSteps) }
          }
          gradients[position] = Tensor(shape: gradient.shape, scalars: summed)
          sums.update(repeating: 0)
        } else {
          gradient.withUnsafeScalars { g in
            for i in 0..<g.count { sums[i] += g[i] }
          }
        }
      }
    }
    if updates {
      let clipped = core.clip(gradients)
      let rate = currentLearningRate
      prepareStep(step)
      for ((weight, gradient), state) in zip(zip(weights, clipped), states) {
        // The rule's own slots; the average and the sums, when kept, come after them.
        let slots =
          state.buffers.count == slotCount ? state.buffers : Array(state.buffers.prefix(slotCount))
        var decay: Float = 0
        if let weightDecay = core.weightDecay, weightDecay != 0, core.decays(weight) {
          decay = weightDecay
        }
        // Adam and AdamW decay in their own pass over the weights; the others decay first.
        if let fusing = self as? any WeightDecayFusingOptimizer {
          weight.value.withUnsafeMutableScalars { parameter in
            gradient.withUnsafeScalars { g in
              fusing.update(
                parameter: parameter, gradient: g, slots: slots, learningRate: rate, step: step,
                weightDecay: decay)
            }
          }
          continue
        }
        if decay != 0 {
          weight.value.withUnsafeMutableScalars { p in
            OptimizerUpdate.weightDecay(parameter: p, decay: decay, learningRate: rate)
          }
        }
        weight.value.withUnsafeMutableScalars { parameter in
          gradient.withUnsafeScalars { g in
            update(
              parameter: parameter, gradient: g, slots: slots, learningRate: rate, step: step)
          }
        }
      }
    }
    if core.useEMA { updateMovingAverages(of: weights, states: states) }
    // Keras projects a constrained weight after every step.
    for weight in weights {
      if let constraint = weight.constraint { weight.value = constraint.applied(to: weight.value) }
    }
    core.iterations += 1
  }

  /// The rule's slots, then the weights' moving average (`useEMA`), then the sums of the
  /// accumulated gradients (`gradientAccumulationSteps`): every buffer kept per weight, and
  /// saved with a model.
  public var stateSlotCount: Int {
    slotCount + (core.useEMA ? 1 : 0) + (core.gradientAccumulationSteps != nil ? 1 : 0)
  }

  /// The index of the moving average among a weight's buffers, when `useEMA`.
  var averageSlot: Int? { core.useEMA ? slotCount : nil }

  /// The index of the accumulated gradients among a weight's buffers, when accumulating.
  var accumulatorSlot: Int? {
    core.gradientAccumulationSteps != nil ? slotCount + (core.useEMA ? 1 : 0) : nil
  }

  /// The rule's initial value for its slots; 0 for the average and the sums.
  func initialStateValue(_ index: Int) -> Float {
    index < slotCount ? initialSlotValue(index) : 0
  }

  /// `average = m·average + (1 − m)·weight` (m = 0 on the very first step), then, every
  /// `emaOverwriteFrequency` steps, the weights take their averages — Keras's order.
  private func updateMovingAverages(of weights: [Weight], states: [SlotBuffers]) {
    guard let index = averageSlot else { return }
    let momentum = iterations == 0 ? 0 : core.emaMomentum
    let keep = 1 - momentum
    let overwrites = core.emaOverwriteFrequency.map { (iterations + 1) % $0 == 0 } ?? false
    for (weight, state) in zip(weights, states) {
      let average = state.buffers[index]
      weight.value.withUnsafeMutableScalars { parameter in
        for i in 0..<parameter.count {
          average[i] = momentum * average[i] + keep * parameter[i]
          if overwrites { parameter[i] = average[i] }
        }
      }
    }
  }

  /// With `useEMA`, sets each of `weights` that has an average to it, as Keras's
  /// `finalize_variable_values` does when `fit` ends.
  func finalizeWeights(_ weights: [Weight]) {
    guard let index = averageSlot else { return }
    for weight in weights {
      let buffers = core.slotBuffersIfPresent(for: weight)?.buffers
      guard let buffers, buffers.count > index else { continue }
      let average = buffers[index]
      weight.value.withUnsafeMutableScalars { parameter in
        _ = parameter.update(fromContentsOf: UnsafeBufferPointer(average))
      }
    }
  }

  /// Leaves `weights`, and every weight whose name contains one of `names` (`["bias"]`), out
  /// of the decoupled weight decay, as Keras's `exclude_from_weight_decay(var_list,
  /// var_names)`. As in Keras, call it before the optimizer's first update; later it throws.
  public func excludeFromWeightDecay(weights: [Weight] = [], names: [String] = []) throws {
    guard !core.isBound else {
      throw StrataError(
        .invalidState,
        "`exclude_from_weight_decay()` can only be configured before the optimizer is built.")
    }
    core.weightDecayExclusions = (Set(weights.map(\.id)), names)
  }

  /// Throws unless the options are usable: a non-negative learning rate, at most one positive
  /// clip threshold, a valid schedule, and the rule's own arguments.
  func validate() throws {
    try core.validate()
    try validateArguments()
  }
}

/// An optimizer whose rule applies the decoupled weight decay itself, in the same pass over
/// the weights (`w −= w·decay·lr`, then the rule: the bits of the two passes).
protocol WeightDecayFusingOptimizer: Optimizer {
  /// The rule after the decay by `weightDecay` (0: none).
  func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate: Float, step: Int,
    weightDecay: Float)
}
