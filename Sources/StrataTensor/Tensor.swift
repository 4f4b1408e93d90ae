/// An n-dimensional array of `Float` values: a shape and contiguous row-major storage.
///
/// `Tensor` is a value type with copy-on-write storage, like `Array`. When a tensor takes part
/// in a computation inside ``valueWithGradient(at:of:)``, the operations on it are recorded
/// so that gradients can be computed in reverse; outside of it, operations are plain math.
///
/// ```swift
/// let x = Tensor([[1, 2], [3, 4]])
/// let y = (x * 2 + 1).sum()   // 24
/// ```
public struct Tensor: Sendable {
  /// The size of each dimension, outermost first. A scalar has the shape `[]`.
  public private(set) var shape: [Int]
  /// The values in row-major order (the last dimension varies fastest).
  public internal(set) var scalars: [Float]
  /// Where this tensor sits on a gradient tape, if it is being traced.
  var trace: Trace?

  /// Creates a tensor of the given shape from its row-major values.
  ///
  /// - Precondition: `scalars.count` equals the product of `shape`, and no dimension is negative.
  public init(shape: [Int], scalars: [Float]) {
    precondition(
      shape.allSatisfy { $0 >= 0 },
      "Tensor(shape:scalars:): dimensions must not be negative, got shape \(shape)")
    precondition(
      shape.reduce(1, *) == scalars.count,
      "Tensor(shape:scalars:): shape \(shape) holds \(shape.reduce(1, *)) values, got \(scalars.count)"
    )
    self.shape = shape
    self.scalars = scalars
    self.trace = nil
  }

  /// Creates a rank-0 tensor holding one value.
  public init(_ value: Float) {
    self.init(shape: [], scalars: [value])
  }

  /// Creates a rank-1 tensor from a list of values.
  public init(_ values: [Float]) {
    self.init(shape: [values.count], scalars: values)
  }

  /// Creates a rank-2 tensor from rows of equal length: `Tensor([[1, 2], [3, 4]])`.
  public init(_ rows: [[Float]]) {
    let width = rows.first?.count ?? 0
    precondition(
      rows.allSatisfy { $0.count == width },
      "Tensor(_:): every row must have \(width) values, got row lengths \(rows.map(\.count))")
    self.init(shape: [rows.count, width], scalars: rows.flatMap { $0 })
  }

  /// Creates a rank-3 tensor from nested arrays of equal lengths.
  public init(_ planes: [[[Float]]]) {
    let rows = planes.first?.count ?? 0
    let width = planes.first?.first?.count ?? 0
    precondition(
      planes.allSatisfy { $0.count == rows && $0.allSatisfy { $0.count == width } },
      "Tensor(_:): nested arrays must be rectangular")
    self.init(shape: [planes.count, rows, width], scalars: planes.flatMap { $0.flatMap { $0 } })
  }

  /// Creates a tensor with the same shape and values, not traced by any gradient tape.
  init(shape: [Int], storage: [Float]) {
    self.shape = shape
    self.scalars = storage
    self.trace = nil
  }

  /// The number of dimensions.
  public var rank: Int { shape.count }

  /// The number of values: the product of the shape (1 for a scalar).
  public var scalarCount: Int { scalars.count }

  /// The single value of a tensor that holds exactly one value (any shape).
  public var scalar: Float {
    precondition(
      scalars.count == 1,
      "Tensor.scalar: tensor of shape \(shape) holds \(scalars.count) values, expected 1")
    return scalars[0]
  }

  /// Whether this tensor is recorded on a gradient tape (it is a parameter of, or depends on a
  /// parameter of, an enclosing ``valueWithGradient(at:of:)``).
  public var isTraced: Bool { trace != nil }

  /// The same values, cut off from gradient tracing (Keras's `stop_gradient`).
  public var detached: Tensor { Tensor(shape: shape, storage: scalars) }
}

extension Tensor: Equatable {
  /// Two tensors are equal when their shapes and values are (tracing is ignored).
  public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
    lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
  }
}

extension Tensor: CustomStringConvertible {
  /// A NumPy-like nested rendering of the values, e.g. `[[1.0, 2.0], [3.0, 4.0]]`.
  public var description: String {
    if rank == 0 { return "\(scalars[0])" }
    var text = ""
    func render(axis: Int, offset: Int) {
      text += "["
      let stride = shape[(axis + 1)...].reduce(1, *)
      for i in 0..<shape[axis] {
        if i > 0 {
          text += axis == rank - 1 ? ", " : ",\n" + String(repeating: " ", count: axis + 1)
        }
        if axis == rank - 1 {
          text += "\(scalars[offset + i])"
        } else {
          render(axis: axis + 1, offset: offset + i * stride)
        }
      }
      text += "]"
    }
    render(axis: 0, offset: 0)
    return text
  }
}
