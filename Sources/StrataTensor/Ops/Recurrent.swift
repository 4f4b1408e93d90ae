import StrataKernels

// The fused gate arithmetic of one LSTM or GRU time step. A recurrent layer runs its loop on
// the tape: one GEMM per step for all gates (`matmul`), then one of these, whose gradients
// are checked against finite differences like every other op.

extension Tensor {
  /// One step of Keras's LSTM cell (`recurrent_activation` sigmoid, `activation` tanh).
  ///
  /// `gates` `[batch, 4·units]` holds the pre-activations `x·W + h₋₁·U + b` in Keras's order
  /// i, f, c, o; with `i, f, o = σ(·)` and `g = tanh(·)` the step returns
  /// `cell = f·previousCell + i·g` and `hidden = o·tanh(cell)`, each `[batch, units]`, as
  /// two traced results.
  public static func lstmCell(gates: Tensor, previousCell: Tensor) -> (
    hidden: Tensor, cell: Tensor
  ) {
    precondition(
      gates.rank == 2 && previousCell.rank == 2 && gates.shape[0] == previousCell.shape[0]
        && gates.shape[1] == 4 * previousCell.shape[1],
      "lstmCell: gates \(gates.shape) must be [batch, 4·units] for a cell state [batch, units], got \(previousCell.shape)"
    )
    let (batch, units) = (previousCell.shape[0], previousCell.shape[1])
    var activated = uninitializedScalars(batch * 4 * units)
    var cell = uninitializedScalars(batch * units)
    var cellTanh = uninitializedScalars(batch * units)
    var hidden = uninitializedScalars(batch * units)
    strata_lstm_cell_forward(
      batch, units, gates.scalars, previousCell.scalars, &activated, &cell, &cellTanh, &hidden)
    let cellValue = Tensor(shape: [batch, units], storage: cell)
    let hiddenValue = Tensor(shape: [batch, units], storage: hidden)
    guard gates.isTraced || previousCell.isTraced else { return (hiddenValue, cellValue) }
    let (gateValues, cellTanhValues) = (activated, cellTanh)
    let previous = previousCell.detached
    let tracedCell = record(cellValue, inputs: [gates, previousCell]) { grad, needs in
      var gradGates = uninitializedScalars(batch * 4 * units)
      var gradPrevious = uninitializedScalars(batch * units)
      strata_lstm_cell_state_backward(
        batch, units, grad.scalars, gateValues, previous.scalars, &gradGates, &gradPrevious)
      return [
        needs[0] ? Tensor(shape: [batch, 4 * units], storage: gradGates) : nil,
        needs[1] ? Tensor(shape: [batch, units], storage: gradPrevious) : nil,
      ]
    }
    let tracedHidden = record(hiddenValue, inputs: [gates, tracedCell]) { grad, needs in
      var gradGates = uninitializedScalars(batch * 4 * units)
      var gradCell = uninitializedScalars(batch * units)
      strata_lstm_hidden_backward(
        batch, units, grad.scalars, gateValues, cellTanhValues, &gradGates, &gradCell)
      return [
        needs[0] ? Tensor(shape: [batch, 4 * units], storage: gradGates) : nil,
        needs[1] ? Tensor(shape: [batch, units], storage: gradCell) : nil,
      ]
    }
    return (tracedHidden, tracedCell)
  }

  /// One step of Keras's GRU cell with `reset_after=True` (its default; sigmoid and tanh).
  ///
  /// `inputProjection` is `x·W + b_input` and `recurrentProjection` is `h₋₁·U + b_recurrent`,
  /// both `[batch, 3·units]` in Keras's order z, r, h. With `z = σ(x_z + r_z)`,
  /// `r = σ(x_r + r_r)` and `n = tanh(x_h + r·r_h)`, the step returns
  /// `z·previousHidden + (1 − z)·n`.
  public static func gruCell(
    inputProjection: Tensor, recurrentProjection: Tensor, previousHidden: Tensor
  ) -> Tensor {
    precondition(
      inputProjection.rank == 2 && inputProjection.shape == recurrentProjection.shape
        && previousHidden.rank == 2 && inputProjection.shape[0] == previousHidden.shape[0]
        && inputProjection.shape[1] == 3 * previousHidden.shape[1],
      "gruCell: projections \(inputProjection.shape) and \(recurrentProjection.shape) must both be [batch, 3·units] for a state [batch, units], got \(previousHidden.shape)"
    )
    let (batch, units) = (previousHidden.shape[0], previousHidden.shape[1])
    var activated = uninitializedScalars(batch * 3 * units)
    var hidden = uninitializedScalars(batch * units)
    strata_gru_cell_forward(
      batch, units, inputProjection.scalars, recurrentProjection.scalars, previousHidden.scalars,
      &activated, &hidden)
    let value = Tensor(shape: [batch, units], storage: hidden)
    let inputs = [inputProjection, recurrentProjection, previousHidden]
    guard inputs.contains(where: \.isTraced) else { return value }
    let gateValues = activated
    let recurrent = recurrentProjection.detached
    let previous = previousHidden.detached
    return record(value, inputs: inputs) { grad, needs in
      var gradInput = uninitializedScalars(batch * 3 * units)
      var gradRecurrent = uninitializedScalars(batch * 3 * units)
      var gradPrevious = uninitializedScalars(batch * units)
      strata_gru_cell_backward(
        batch, units, grad.scalars, gateValues, recurrent.scalars, previous.scalars, &gradInput,
        &gradRecurrent, &gradPrevious)
      return [
        needs[0] ? Tensor(shape: [batch, 3 * units], storage: gradInput) : nil,
        needs[1] ? Tensor(shape: [batch, 3 * units], storage: gradRecurrent) : nil,
        needs[2] ? Tensor(shape: [batch, units], storage: gradPrevious) : nil,
      ]
    }
  }
}

/// An array of `count` values that the caller overwrites completely before reading.
func uninitializedScalars(_ count: Int) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}
