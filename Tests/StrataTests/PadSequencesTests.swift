import Testing

@testable import Strata

@Test func padSequencesPadsAndCutsAsKerasDoes() {
  // keras.utils.pad_sequences([[1, 2, 3], [4], [5, 6, 7, 8]], maxlen=3) and the "post" forms.
  let sequences = [[1, 2, 3], [4], [5, 6, 7, 8]]
  #expect(padSequences(sequences, maxLength: 3).scalars == [1, 2, 3, 0, 0, 4, 6, 7, 8])
  #expect(
    padSequences(sequences, maxLength: 3, padding: .post, truncating: .post).scalars
      == [1, 2, 3, 4, 0, 0, 5, 6, 7])
  let longest = padSequences(sequences, value: -1)
  #expect(longest.shape == [3, 4])
  #expect(longest.scalars == [-1, 1, 2, 3, -1, -1, -1, 4, 5, 6, 7, 8])
  #expect(padSequences([]).shape == [0, 0])
}
