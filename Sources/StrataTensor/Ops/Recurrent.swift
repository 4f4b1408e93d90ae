import StrataKernels

// The fused gate arithmetic of one LSTM or GRU time step. A recurrent layer runs its loop on
// the tape: one GEMM per step for all gates (`matmul`), then one of these, whose gradients
// are checked against finite differences like every other op.

extension Tensor {
  /// One step of Keras's LSTM cell (`recurrent_activation` sigmoid, `activation` tanh).
  ///
  /// `gates` `[batch, 4·units]` holds the pre-activations `x·W + h₋₁·U + b` in Keras's order
  /// i, f, c, o; with `i, f, o = σ(·)` and `g = tanh(·)` the step returns
  /// `cell = f·previousCell + i·g` and `hidden = o·tanh(cell)`, each `[batch, units]`. Both
  /// are views of one traced `[2, batch, units]` result, so the step's backward pass is one
  /// kernel call.
  public static func lstmCell(gates: Tensor, previousCell: Tensor) -> (
    hidden: Tensor, cell: Tensor
  ) {
    precondition(
      gates.rank == 2 && previousCell.rank == 2 && gates.shape[0] == previousCell.shape[0]
        && gates.shape[1] == 4 * previousCell.shape[1],
      "lstmCell: gates \(gates.shape) must be [batch, 4·units] for a cell state [batch, units], got \(previousCell.shape)"
    )
    let (batch, units) = (previousCell.shape[0], previousCell.shape[1])
    let size = batch * units
    var activated = uninitializedScalars(4 * size)
    var state = uninitializedScalars(2 * size)
    var cellTanh = uninitializedScalars(size)
    gates.scalars.withUnsafeBufferPointer { g in
      previousCell.scalars.withUnsafeBufferPointer { p in
        activated.withUnsafeMutableBufferPointer { a in
          state.withUnsafeMutableBufferPointer { s in
            cellTanh.withUnsafeMutableBufferPointer { t in
              let (g, p, a, s, t) = (
                g.baseAddress!, p.baseAddress!, a.baseAddress!, s.baseAddress!, t.baseAddress!
              )
              forEachRowRange(batch: batch, width: 4 * units) { rows in
                let (r, n) = (rows.lowerBound, rows.count)
                strata_lstm_cell_forward(
                  n, units, g + r * 4 * units, p + r * units, a + r * 4 * units, s + r * units,
                  t + r * units, s + size + r * units)
              }
            }
          }
        }
      }
    }
    // state = [cell; hidden], each half a contiguous block.
    var value = Tensor(shape: [2, batch, units], storage: state)
    if gates.isTraced || previousCell.isTraced {
      let (gateValues, cellTanhValues, previous) = (activated, cellTanh, previousCell.detached)
      value = record(value, inputs: [gates, previousCell]) { grad, needs in
        var gradGates = uninitializedScalars(4 * size)
        var gradPrevious = uninitializedScalars(size)
        grad.scalars.withUnsafeBufferPointer { d in
          gradGates.withUnsafeMutableBufferPointer { dg in
            gradPrevious.withUnsafeMutableBufferPointer { dp in
              let (d, dg, dp) = (d.baseAddress!, dg.baseAddress!, dp.baseAddress!)
              forEachRowRange(batch: batch, width: 4 * units) { rows in
                let (r, n) = (rows.lowerBound, rows.count)
                gateValues.withUnsafeBufferPointer { a in
                  previous.scalars.withUnsafeBufferPointer { p in
                    cellTanhValues.withUnsafeBufferPointer { t in
                      strata_lstm_cell_backward(
                        n, units, d + size + r * units, d + r * units,
                        a.baseAddress! + r * 4 * units, p.baseAddress! + r * units,
                        t.baseAddress! + r * units, dg + r * 4 * units, dp + r * units)
                    }
                  }
                }
              }
            }
          }
        }
        return [
          needs[0] ? Tensor(shape: [batch, 4 * units], storage: gradGates) : nil,
          needs[1] ? Tensor(shape: [batch, units], storage: gradPrevious) : nil,
        ]
      }
    }
    let cell = value.rows(0..<1).reshaped(to: [batch, units])
    let hidden = value.rows(1..<2).reshaped(to: [batch, units])
    return (hidden, cell)
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
    withPointers(inputProjection, recurrentProjection, previousHidden) { x, r, p in
      activated.withUnsafeMutableBufferPointer { a in
        hidden.withUnsafeMutableBufferPointer { h in
          let (a, h) = (a.baseAddress!, h.baseAddress!)
          forEachRowRange(batch: batch, width: 3 * units) { rows in
            let (i, n) = (rows.lowerBound, rows.count)
            strata_gru_cell_forward(
              n, units, x + i * 3 * units, r + i * 3 * units, p + i * units, a + i * 3 * units,
              h + i * units)
          }
        }
      }
    }
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
      let gates = Tensor(shape: [batch, 3 * units], storage: gateValues)
      withPointers(grad, gates, recurrent, previous) { d, a, r, p in
        gradInput.withUnsafeMutableBufferPointer { dx in
          gradRecurrent.withUnsafeMutableBufferPointer { dr in
            gradPrevious.withUnsafeMutableBufferPointer { dp in
              let (dx, dr, dp) = (dx.baseAddress!, dr.baseAddress!, dp.baseAddress!)
              forEachRowRange(batch: batch, width: 3 * units) { rows in
                let (i, n) = (rows.lowerBound, rows.count)
                let (wide, narrow) = (i * 3 * units, i * units)
                strata_gru_cell_backward(
                  n, units, d + narrow, a + wide, r + wide, p + narrow, dx + wide, dr + wide,
                  dp + narrow)
              }
            }
          }
        }
      }
      return [
        needs[0] ? Tensor(shape: [batch, 3 * units], storage: gradInput) : nil,
        needs[1] ? Tensor(shape: [batch, 3 * units], storage: gradRecurrent) : nil,
        needs[2] ? Tensor(shape: [batch, units], storage: gradPrevious) : nil,
      ]
    }
  }
}

/// Runs `body` on ranges of the `batch` rows of a step whose rows are `width` values wide,
/// on several threads when the step is large enough to pay for them.
func forEachRowRange(batch: Int, width: Int, _ body: (Range<Int>) -> Void) {
  let minimumRows = Swift.max(1, (elementwiseParallelThreshold / 4) / Swift.max(1, width))
  parallelRanges(count: batch, minimumChunk: minimumRows, body)
}

/// The storage of three tensors, for reading.
func withPointers<Result>(
  _ a: Tensor, _ b: Tensor, _ c: Tensor,
  _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) -> Result
) -> Result {
  a.scalars.withUnsafeBufferPointer { a in
    b.scalars.withUnsafeBufferPointer { b in
      c.scalars.withUnsafeBufferPointer { c in body(a.baseAddress!, b.baseAddress!, c.baseAddress!)
      }
    }
  }
}

/// The storage of four tensors, for reading.
func withPointers<Result>(
  _ a: Tensor, _ b: Tensor, _ c: Tensor, _ d: Tensor,
  _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)
    -> Result
) -> Result {
  withPointers(a, b, c) { a, b, c in
    d.scalars.withUnsafeBufferPointer { d in body(a, b, c, d.baseAddress!) }
  }
}

/// An array of `count` values that the caller overwrites completely before reading.
func uninitializedScalars(_ count: Int) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}
