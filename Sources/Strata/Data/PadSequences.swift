/// Which end of a sequence padding is added to, or cut from.
public enum SequenceEnd: String, Sendable {
  /// The start (Keras's `"pre"`, the default of `pad_sequences`).
  case pre
  /// The end (Keras's `"post"`).
  case post
}

/// Lists of token ids as one `[count, maxLength]` batch, Keras's `pad_sequences`: shorter
/// sequences are padded with `value`, longer ones cut, at the start by default.
///
/// `maxLength` defaults to the longest sequence. For `[[1, 2, 3], [4]]` the result is
/// `[[1, 2, 3], [0, 0, 4]]`; with `padding: .post`, `[[1, 2, 3], [4, 0, 0]]`.
public func padSequences(
  _ sequences: [[Int]], maxLength: Int? = nil, padding: SequenceEnd = .pre,
  truncating: SequenceEnd = .pre, value: Float = 0
) -> Tensor {
  let length = Swift.max(0, maxLength ?? sequences.map(\.count).max() ?? 0)
  var scalars = [Float](repeating: value, count: sequences.count * length)
  for (row, sequence) in sequences.enumerated() {
    let kept = truncating == .pre ? sequence.suffix(length) : sequence.prefix(length)
    let start = row * length + (padding == .pre ? length - kept.count : 0)
    for (offset, id) in kept.enumerated() { scalars[start + offset] = Float(id) }
  }
  return Tensor(shape: [sequences.count, length], scalars: scalars)
}
