/// Where a layer that draws noise in training (Dropout, GaussianNoise, …) takes its random
/// numbers: its own stream when it was given a `seed`, otherwise the model's dropout stream
/// in the layer context, so that one model seed fixes every mask.
struct NoiseStream {
  private var own: RandomGenerator?

  /// A stream of its own for `seed`, or the context's when `seed` is nil.
  init(seed: UInt64?) { own = seed.map { RandomGenerator(seed: $0) } }

  /// Runs `draw` with this layer's generator.
  mutating func draw<T>(
    _ context: inout LayerContext, _ draw: (inout RandomGenerator) -> T
  ) -> T {
    guard var generator = own else { return draw(&context.generator) }
    let result = draw(&generator)
    own = generator
    return result
  }
}

/// The error for a noise layer's `rate` or `stddev` outside `[0, 1]`, in Keras's words.
func noiseArgumentError(_ layer: String, _ type: String, _ argument: String, _ value: Float)
  -> StrataError
{
  StrataError(
    .invalidArgument,
    "Layer '\(layer)' (\(type)): invalid value received for argument `\(argument)`. Expected a float value between 0 and 1. Received: \(argument)=\(value)"
  )
}
