/// Evaluates `body` on traced copies of `parameters` and returns its value together with the
/// gradient of that value with respect to each parameter.
///
/// The value is usually a scalar loss; for a non-scalar value the gradient of the sum of its
/// elements is returned. This is Strata's counterpart of a Keras custom training loop with
/// `tf.GradientTape` / `jax.value_and_grad`:
///
/// ```swift
/// let (loss, grads) = valueWithGradient(at: [w, b]) { p in
///     ((x.matmul(p[0]) + p[1]) - y).square().mean()
/// }
/// ```
public func valueWithGradient(
  at parameters: [Tensor], of body: ([Tensor]) throws -> Tensor
) rethrows -> (value: Tensor, gradients: [Tensor]) {
  _ = AllocatorTuning.applied
  let tape = Tape()
  let traced = parameters.map { parameter -> Tensor in
    var copy = parameter.detached
    copy.trace = Trace(tape: tape, index: tape.appendLeaf(shape: parameter.shape))
    return copy
  }
  let output = try body(traced)
  let value = output.detached
  guard let trace = output.trace, trace.tape === tape else {
    tape.releaseNodes()
    return (value, parameters.map { Tensor.zeros($0.shape) })
  }
  let seed = Tensor.ones(output.shape)
  let grads = tape.gradients(
    from: trace.index, seed: seed, of: traced.map { $0.trace!.index })
  tape.releaseNodes()
  return (value, grads)
}

/// The gradient of `body`'s (scalar) value with respect to each of `parameters`.
public func gradient(
  at parameters: [Tensor], of body: ([Tensor]) throws -> Tensor
) rethrows -> [Tensor] {
  try valueWithGradient(at: parameters, of: body).gradients
}
