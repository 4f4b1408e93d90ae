/// What every optimizer shares, Keras's `BaseOptimizer`: the learning rate and its schedule,
/// gradient clipping, weight decay, the step count and the per-weight slots.
///
/// An optimizer holds one core (``Optimizer/core``); the options are Keras's common keyword
/// arguments, and its ``configuration`` holds them under Keras's names.
public final class OptimizerCore {
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
  /// Whether to keep an exponential moving average of the weights (Keras's `use_ema`); the
  /// weights take its value every ``emaOverwriteFrequency`` steps and at the end of `fit`.
  public let useEMA: Bool
  /// The average's momentum: `average = m·average + (1 − m)·weight` after each step, the first
  /// step taking the weight itself (Keras's `ema_momentum`, default 0.99).
  public let emaMomentum: Float
  /// Every how many steps the weights are overwritten by their average (Keras's
  /// `ema_overwrite_frequency`); `nil`: only when `fit` ends.
  public let emaOverwriteFrequency: Int?
  /// Sum the gradients of this many steps and update once, with their mean, on every
  /// `gradientAccumulationSteps`-th step (Keras's `gradient_accumulation_steps`, at least 2);
  /// the other steps leave the weights and the rule's slots unchanged but count as
  /// `iterations`, as in Keras.
  public let gradientAccumulationSteps: Int?
  /// A schedule that replaces `learningRate` when set (Keras's `learning_rate=schedule`).
  public var learningRateSchedule: (any LearningRateSchedule)?
  /// Weights the decoupled weight decay leaves alone (``Optimizer/excludeFromWeightDecay(weights:names:)``).
  var weightDecayExclusions: (identities: Set<UInt64>, nameFragments: [String]) = ([], [])
  /// The number of updates applied so far.
  public internal(set) var iterations: Int = 0
  /// State scalars of the rule that are neither slots nor the step count (Nadam's running
  /// momentum product), saved with a model.
  public var scalars: [String: Float] = [:]

  private var slotStore: [UInt64: SlotBuffers] = [:]
  /// The weights this optimizer updates, once it has updated any (Keras builds an optimizer
  /// for one set of variables).
  private var boundWeights: [UInt64]?

  /// Sets the options shared by every optimizer.
  public init(
    name: String, learningRate: Float, clipNorm: Float? = nil, clipValue: Float? = nil,
    globalClipNorm: Float? = nil, weightDecay: Float? = nil, decay: Float = 0,
    useEMA: Bool = false, emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) {
    self.name = name
    self.learningRate = learningRate
    self.clipNorm = clipNorm
    self.clipValue = clipValue
    self.globalClipNorm = globalClipNorm
    self.weightDecay = weightDecay
    self.decay = decay
    self.useEMA = useEMA
    self.emaMomentum = emaMomentum
    self.emaOverwriteFrequency = emaOverwriteFrequency
    self.gradientAccumulationSteps = gradientAccumulationSteps
  }

  /// Reads the shared options from an optimizer's configuration: `name` (default `name`),
  /// `learning_rate` (a number or a schedule; default `learningRate`), `clipnorm`,
  /// `clipvalue`, `global_clipnorm`, `weight_decay`, `decay`, `use_ema`, `ema_momentum`,
  /// `ema_overwrite_frequency` and `gradient_accumulation_steps`.
  public convenience init(configuration: Configuration, name: String, learningRate: Float) throws {
    var schedule: (any LearningRateSchedule)? = nil
    var rate = learningRate
    if let reference = configuration["learning_rate"], case .object = reference {
      schedule = try Registry.instantiate(
        reference, as: (any LearningRateSchedule).self, role: "a learning-rate schedule")
    } else {
      rate = try configuration.value("learning_rate", default: learningRate)
    }
    self.init(
      name: try configuration.value("name", default: name), learningRate: rate,
      clipNorm: try configuration.value("clipnorm"),
      clipValue: try configuration.value("clipvalue"),
      globalClipNorm: try configuration.value("global_clipnorm"),
      weightDecay: try configuration.value("weight_decay"),
      decay: try configuration.value("decay", default: 0),
      useEMA: try configuration.value("use_ema", default: false),
      emaMomentum: try configuration.value("ema_momentum", default: 0.99),
      emaOverwriteFrequency: try configuration.value("ema_overwrite_frequency"),
      gradientAccumulationSteps: try configuration.value("gradient_accumulation_steps"))
    learningRateSchedule = schedule
  }

  /// The shared options under Keras's names; `learning_rate` is the schedule's reference when
  /// one is set.
  public var configuration: Configuration {
    var configuration: Configuration = [
      "name": name, "learning_rate": learningRate, "clipnorm": clipNorm, "clipvalue": clipValue,
      "global_clipnorm": globalClipNorm, "weight_decay": weightDecay, "decay": decay,
      "use_ema": useEMA, "ema_momentum": emaMomentum,
      "ema_overwrite_frequency": emaOverwriteFrequency,
      "gradient_accumulation_steps": gradientAccumulationSteps,
    ]
    if let learningRateSchedule {
      configuration["learning_rate"] = Registry.reference(to: learningRateSchedule)
    }
    return configuration
  }

  /// The learning rate used by the next step.
  var currentLearningRate: Float {
    if let learningRateSchedule { return learningRateSchedule.rate(at: iterations) }
    return decay == 0 ? learningRate : learningRate / (1 + decay * Float(iterations))
  }

  /// Throws unless the options are usable.
  func validate() throws {
    guard learningRate.isFinite && learningRate >= 0 else {
      throw StrataError(
        .invalidArgument,
        "Optimizer \(name): expected a non-negative learning rate. Received: learningRate=\(learningRate)"
      )
    }
    guard decay.isFinite && decay >= 0 else {
      throw StrataError(
        .invalidArgument,
        "Optimizer \(name): expected a non-negative `decay`. Received: decay=\(decay)")
    }
    let clips = [clipNorm, clipValue, globalClipNorm].compactMap { $0 }
    guard clips.count <= 1 else {
      throw StrataError(
        .invalidArgument,
        "Optimizer \(name): only one of `clipNorm`, `clipValue` and `globalClipNorm` can be set.")
    }
    guard clips.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw StrataError(
        .invalidArgument, "Optimizer \(name): clipping thresholds must be positive.")
    }
    if let weightDecay, !(weightDecay.isFinite && weightDecay >= 0) {
      throw StrataError(
        .invalidArgument,
        "Optimizer \(name): expected a non-negative `weightDecay`. Received: weightDecay=\(weightDecay)"
      )
    }
    if let steps = gradientAccumulationSteps, steps < 2 {
      throw StrataError(
        .invalidArgument,
        "`gradient_accumulation_steps` must be an integer >= 2. Received: gradient_accumulation_steps=\(steps)"
      )
    }
    if useEMA {
      guard emaMomentum >= 0, emaMomentum <= 1 else {
        throw StrataError(
          .invalidArgument,
          "`ema_momentum` must be in the range [0, 1]. Received: ema_momentum=\(emaMomentum)")
      }
      if let frequency = emaOverwriteFrequency, frequency < 1 {
        throw StrataError(
          .invalidArgument,
          "`ema_overwrite_frequency` must be an integer >= 1 or None. Received: ema_overwrite_frequency=\(frequency)"
        )
      }
    }
    try learningRateSchedule?.validate()
  }

  /// Whether the decoupled weight decay applies to `weight`.
  func decays(_ weight: Weight) -> Bool {
    !weightDecayExclusions.identities.contains(weight.id)
      && !weightDecayExclusions.nameFragments.contains { weight.name.contains($0) }
  }

  /// Whether the optimizer has updated any weights yet.
  var isBound: Bool { boundWeights != nil }

  /// Ties the optimizer to `weights` on first use; throws if it already updates others.
  /// `owner` names the model in the error.
  func bind(to weights: [Weight], owner: String?) throws {
    let identities = weights.map(\.id)
    guard let boundWeights else {
      self.boundWeights = identities
      return
    }
    guard boundWeights == identities else {
      throw StrataError(
        .invalidState,
        "Optimizer \(name) already updates the weights of another model (or of this model before its layers changed); an optimizer serves one set of weights, as in Keras. Create a new optimizer for \(owner.map { "model '\($0)'" } ?? "these weights")."
      )
    }
  }

  /// Whether `fit` on weights `weights` may use this optimizer (it is unbound, or bound to
  /// exactly these).
  func checkBinding(to weights: [Weight], owner: String) throws {
    guard let boundWeights else { return }
    if boundWeights != weights.map(\.id) { try bind(to: weights, owner: owner) }
  }

  /// The slots of `weight`, created with `initialValue` on first use.
  func slotBuffers(for weight: Weight, count: Int, initialValue: (Int) -> Float) -> SlotBuffers {
    if let existing = slotStore[weight.id] { return existing }
    let slots = SlotBuffers(
      count: count, size: weight.value.scalarCount, initialValue: initialValue)
    slotStore[weight.id] = slots
    return slots
  }

  /// The buffers of `weight`, if it has been updated.
  func slotBuffersIfPresent(for weight: Weight) -> SlotBuffers? { slotStore[weight.id] }

  /// The slots of `weight`, in order (empty before its first update).
  func slots(for weight: Weight) -> [Tensor] {
    (slotStore[weight.id]?.buffers ?? []).map { Tensor(shape: weight.shape, scalars: Array($0)) }
  }

  /// Overwrites the existing slots of `weight` with `values`, in order (data-parallel
  /// training's broadcast from rank 0); a weight without slots yet keeps none.
  func replaceSlots(_ values: [Tensor], for weight: Weight) {
    guard let buffers = slotStore[weight.id]?.buffers else { return }
    for (buffer, value) in zip(buffers, values) where value.scalarCount == buffer.count {
      value.withUnsafeScalars { source in _ = buffer.update(fromContentsOf: source) }
    }
  }

  /// Puts back the state of a saved optimizer for `weights`: the step count, the rule's
  /// scalars and each weight's slots (by position; a weight without saved slots starts fresh).
  func restoreState(
    iterations: Int, scalars: [String: Float], slots: [[Tensor]], for weights: [Weight]
  ) {
    self.iterations = iterations
    self.scalars = scalars
    slotStore.removeAll()
    for (weight, values) in zip(weights, slots) where !values.isEmpty {
      let buffers = SlotBuffers(count: values.count, size: weight.value.scalarCount) { _ in 0 }
      for (buffer, value) in zip(buffers.buffers, values) {
        value.withUnsafeScalars { source in _ = buffer.update(fromContentsOf: source) }
      }
      slotStore[weight.id] = buffers
    }
    boundWeights = weights.map(\.id)
  }

  /// Gradients after Keras's clipping (only one mode applies).
  func clip(_ gradients: [Tensor]) -> [Tensor] {
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
