import Testing

@testable import Strata

@Test func schedulesMatchTheirFormulas() {
  // KerasReference.md §6: ExponentialDecay(0.1, 10, 0.5) at 0, 5, 10, 20 = 0.1, 0.0707107, 0.05, 0.025.
  let exponential = ExponentialDecay(initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5)
  expectClose([0, 5, 10, 20].map(exponential.rate(at:)), [0.1, 0.0707107, 0.05, 0.025])
  let staircase = ExponentialDecay(
    initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true)
  expectClose([5, 15].map(staircase.rate(at:)), [0.1, 0.05])
  // 0.1 / (1 + 0.5 · 20 / 10) = 0.05
  expectClose(
    [InverseTimeDecay(initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5).rate(at: 20)],
    [0.05])
  let piecewise = PiecewiseConstantDecay(boundaries: [10, 20], values: [1, 0.5, 0.1])
  expectClose([0, 10, 11, 20, 21].map(piecewise.rate(at:)), [1, 1, 0.5, 0.5, 0.1])
  // (1 − 0.0001)·(1 − 5/10) + 0.0001 = 0.50005; clamped after 10 steps.
  let polynomial = PolynomialDecay(initialLearningRate: 1, decaySteps: 10)
  expectClose([5, 10, 50].map(polynomial.rate(at:)), [0.50005, 0.0001, 0.0001])
  // Cosine: half way 0.5·(1 + cos(π/2)) = 0.5; warm-up from 0 to 1 over 10 steps.
  let cosine = CosineDecay(initialLearningRate: 1, decaySteps: 100)
  expectClose([0, 50, 100, 200].map(cosine.rate(at:)), [1, 0.5, 0, 0])
  let warm = CosineDecay(initialLearningRate: 0, decaySteps: 100, warmupTarget: 1, warmupSteps: 10)
  expectClose([5, 10, 60].map(warm.rate(at:)), [0.5, 1, 0.5])
}

@Test func optimizerUsesItsScheduleStepByStep() throws {
  // SGD with g = 1: steps of 0.1, 0.05 (ExponentialDecay(0.1, 1, 0.5) at steps 0 and 1).
  let weight = Weight(name: "w", value: Tensor([0]))
  let sgd = SGD().scheduled(
    by: ExponentialDecay(initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5))
  try sgd.apply([Tensor([1])], to: [weight])
  try sgd.apply([Tensor([1])], to: [weight])
  expectClose(weight.value.scalars, [-0.15])
}

@Test func schedulesRoundTripInsideTheirOptimizer() throws {
  try expectRoundTrip(
    ExponentialDecay(initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.5, staircase: true))
  try expectRoundTrip(InverseTimeDecay(initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.3))
  try expectRoundTrip(PiecewiseConstantDecay(boundaries: [1, 3], values: [0.1, 0.05, 0.01]))
  try expectRoundTrip(
    PolynomialDecay(
      initialLearningRate: 0.1, decaySteps: 4, endLearningRate: 0.01, power: 2, cycle: true))
  try expectRoundTrip(
    CosineDecay(
      initialLearningRate: 0.05, decaySteps: 5, alpha: 0.1, warmupTarget: 0.1, warmupSteps: 2))
}

@Test func cosineDecayWithAWarmupTargetDecaysFromIt() {
  // Keras 3.15.1: CosineDecay(0.1, 10, warmup_target=0.5, warmup_steps=0) at steps 0, 5, 10
  // gives 0.5, 0.2499999850988388, 0.0 (Strata decayed from 0.1, the initial rate); with
  // alpha=0.1 and warmup_steps=4, steps 0, 2, 4, 9, 14, 20 give 0.1, 0.3, 0.5,
  // 0.2749999761581421, 0.05, 0.05.
  let noWarmup = CosineDecay(initialLearningRate: 0.1, decaySteps: 10, warmupTarget: 0.5)
  expectClose([0, 5, 10].map { noWarmup.rate(at: $0) }, [0.5, 0.2499999850988388, 0])
  let warmup = CosineDecay(
    initialLearningRate: 0.1, decaySteps: 10, alpha: 0.1, warmupTarget: 0.5, warmupSteps: 4)
  expectClose(
    [0, 2, 4, 9, 14, 20].map { warmup.rate(at: $0) },
    [0.1, 0.30000001192092896, 0.5, 0.2749999761581421, 0.05000000074505806, 0.05000000074505806])
}
