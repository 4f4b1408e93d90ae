// The fused fully-connected op: activation(x · W + b) in one pass over the output.

extension Tensor {
  /// `activation(self · kernel + bias)` for `self` of shape `[n, in]`, `kernel` `[in, out]` and
  /// `bias` `[out]`: the GEMM writes the product, then one pass adds the bias and applies the
  /// activation in place. This is the forward of Keras's `Dense` layer.
  ///
  /// Gradients: `dZ = dY ⊙ activation′`, `dW = selfᵀ · dZ`, `db = Σᵣₒᵥᵥ dZ`, `dX = dZ · Wᵀ`.
  public func dense(
    kernel: Tensor, bias: Tensor?, activation: ElementwiseActivation = .linear
  ) -> Tensor {
    precondition(
      rank == 2 && kernel.rank == 2 && shape[1] == kernel.shape[0],
      "dense: input \(shape) does not match kernel \(kernel.shape) (expected [n, \(kernel.shape.first ?? 0)])"
    )
    let units = kernel.shape[1]
    if let bias {
      precondition(
        bias.shape == [units], "dense: bias shape \(bias.shape) does not match \(units) units")
    }
    var z = Tensor.matrixProduct(self, kernel)
    let y: Tensor
    let preActivation: Tensor?
    if activation == .relu {
      // Bias and relu in one pass over the product, in place.
      if let bias {
        z.addRowVectorInPlace(bias, relu: true)
        y = z
      } else {
        y = z.reluValues()
      }
      preActivation = nil
    } else {
      if let bias { z.addRowVectorInPlace(bias) }
      preActivation = activation.derivativeUsesOutputOnly ? nil : z
      y = activation == .linear ? z : z.activated(activation)
    }
    guard isTraced || kernel.isTraced || (bias?.isTraced ?? false) else { return y }
    let x = detached
    let w = kernel.detached
    let output = y.detached
    let inputs: [Tensor] = bias.map { [self, kernel, $0] } ?? [self, kernel]
    let inputCount = inputs.count
    return Tensor.record(y, inputs: inputs) { grad, needs in
      let dz: Tensor
      switch activation {
      case .linear:
        dz = grad
      case .relu:
        dz = Tensor.reluPullback(grad, output: output)
      case .sigmoid:
        dz = Tensor.zipScalars(grad, output, op: "dense") { $0 * $1 * (1 - $1) }
      case .tanh:
        dz = Tensor.zipScalars(grad, output, op: "dense") { $0 * (1 - $1 * $1) }
      default:
        // Replay the activation on the kept pre-activation to get its derivative.
        let (_, local) = valueWithGradient(at: [preActivation!]) { p in
          p[0].activated(activation).multiplying(grad)
        }
        dz = local[0]
      }
      var result: [Tensor?] = [nil, nil, nil]
      if needs[0] { result[0] = Tensor.matrixProduct(dz, w, transposingB: true) }
      if needs[1] { result[1] = Tensor.matrixProduct(x, dz, transposingA: true) }
      if inputCount == 3 && needs[2] {
        result[2] = dz.reduceAxis(0, initial: 0, +).reshaped(to: [units])
      }
      return Array(result.prefix(inputCount))
    }
  }
}
