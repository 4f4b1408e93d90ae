/// A layer whose output is `activation(logits)`, so that a model can pair its last softmax or
/// sigmoid with the matching cross-entropy and train on the logits: the fused, numerically
/// stable path (what Keras's TensorFlow backend does with `_keras_logits`).
protocol OutputActivationLayer: Layer {
  /// The activation applied last.
  var outputActivation: ActivationFunction { get }
  /// The output before the activation.
  func callBeforeActivation(_ input: Tensor, context: inout LayerContext) throws -> Tensor
}
