import Testing

@testable import Strata

@Test func textVectorizerRanksWordsByFrequencyAsKerasDoes() {
  // Keras's TextVectorization().adapt(["the cat sat", "The dog, the cat!"]): padding,
  // unknown, then by frequency, ties in reverse order of the tokens (index_lookup.py sorts
  // with np.lexsort((tokens, counts))[::-1]).
  var words = TextVectorizer()
  words.fit(on: ["the cat sat", "The dog, the cat!"])
  #expect(words.vocabulary == ["", "[UNK]", "the", "cat", "sat", "dog"])
  #expect(words.encode("The cat flew") == [2, 3, 1])
  #expect(words.decode([2, 3, 0, 1]) == "the cat [UNK]")
  let batch = words.encode(["the cat", "cat"], length: 3)
  #expect(batch.shape == [2, 3])
  #expect(batch.scalars == [2, 3, 0, 3, 0, 0])
}

@Test func textVectorizerByCharacterRoundTripsText() {
  var characters = TextVectorizer(split: .character, standardize: .none, maxTokens: 10)
  characters.fit(on: ["Hello, world"])
  #expect(characters.vocabularySize == 10)
  // "l" three times, "o" twice, then the characters seen once from "w" down to " ".
  #expect(Array(characters.vocabulary.prefix(5)) == ["", "[UNK]", "l", "o", "w"])
  #expect(characters.decode(characters.encode("Hello")) == "Hello")
  // Characters past maxTokens are unknown.
  #expect(characters.encode("Hello, world").contains(TextVectorizer.unknownID))
}
