/// Turns text into integer token ids and back, as Keras's `TextVectorization` layer does
/// outside a model: `fit(on:)` (Keras's `adapt`) builds the vocabulary, `encode` maps text to
/// ids, `decode` maps ids to text.
///
/// Id 0 is padding (`""`) and id 1 the out-of-vocabulary token `"[UNK]"`, as in Keras; the
/// other tokens follow by decreasing frequency, ties in decreasing code-point order (Keras's
/// `np.lexsort((tokens, counts))[::-1]`).
///
/// ```swift
/// var characters = TextVectorizer(split: .character, standardize: .none)
/// characters.fit(on: [text])
/// let ids = characters.encode("Hello")          // [id of "H", id of "e", …]
/// characters.decode(ids)                        // "Hello"
/// ```
public struct TextVectorizer: Sendable, Equatable {
  /// How text is cut into tokens.
  public enum Split: String, Sendable {
    /// Every character is a token (Keras's `split="character"`).
    case character
    /// Runs of non-whitespace are tokens (Keras's default `split="whitespace"`).
    case whitespace
  }

  /// How text is normalised before it is split.
  public enum Standardization: String, Sendable {
    /// Unchanged (Keras's `standardize=None`): what a character language model needs.
    case none
    /// Lowercased (Keras's `"lower"`).
    case lower
    /// Lowercased, with ASCII punctuation removed (Keras's default
    /// `"lower_and_strip_punctuation"`).
    case lowerAndStripPunctuation
  }

  /// The id of padding.
  public static let paddingID = 0
  /// The id of a token not in the vocabulary.
  public static let unknownID = 1

  /// How text is cut into tokens.
  public let split: Split
  /// How text is normalised first.
  public let standardize: Standardization
  /// The largest vocabulary, padding and `[UNK]` included (Keras's `max_tokens`); nil for no
  /// limit.
  public let maxTokens: Int?
  /// The tokens by id: `["", "[UNK]", most frequent, …]`.
  public private(set) var vocabulary: [String] = ["", "[UNK]"]
  private var ids: [String: Int] = [:]

  /// A vectorizer with Keras's defaults (whitespace split, lowercased, punctuation stripped).
  public init(
    split: Split = .whitespace, standardize: Standardization = .lowerAndStripPunctuation,
    maxTokens: Int? = nil
  ) {
    self.split = split
    self.standardize = standardize
    self.maxTokens = maxTokens
  }

  /// The number of ids, padding and `[UNK]` included: the `inputDim` of an ``Embedding``.
  public var vocabularySize: Int { vocabulary.count }

  /// Builds the vocabulary from `texts`, replacing any earlier one.
  public mutating func fit(on texts: [String]) {
    var counts: [String: Int] = [:]
    for text in texts {
      for token in tokens(of: text) { counts[token, default: 0] += 1 }
    }
    var ranked = counts.keys.sorted { a, b in
      counts[a]! != counts[b]!
        ? counts[a]! > counts[b]! : b.unicodeScalars.lexicographicallyPrecedes(a.unicodeScalars)
    }
    if let maxTokens { ranked = Array(ranked.prefix(Swift.max(0, maxTokens - 2))) }
    vocabulary = ["", "[UNK]"] + ranked
    ids = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().dropFirst(2).map { ($1, $0) })
  }

  /// The ids of `text`'s tokens; tokens not in the vocabulary are `[UNK]` (1).
  public func encode(_ text: String) -> [Int] {
    tokens(of: text).map { ids[$0] ?? Self.unknownID }
  }

  /// A batch `[texts.count, length]` of ids as a tensor, each text cut or padded with 0 at
  /// its end to `length` (Keras's `output_sequence_length`), or to the longest text.
  public func encode(_ texts: [String], length: Int? = nil) -> Tensor {
    padSequences(
      texts.map(encode), maxLength: length, padding: .post, truncating: .post)
  }

  /// The text of `ids`: tokens joined by `separator` (nothing for characters, a space for
  /// words by default); padding is skipped and unknown ids read as `[UNK]`.
  public func decode(_ ids: [Int], separator: String? = nil) -> String {
    let tokens = ids.compactMap { id -> String? in
      guard id != Self.paddingID else { return nil }
      return id >= 0 && id < vocabulary.count ? vocabulary[id] : "[UNK]"
    }
    return tokens.joined(separator: separator ?? (split == .character ? "" : " "))
  }

  private func tokens(of text: String) -> [String] {
    var normalized = text
    if standardize != .none { normalized = normalized.lowercased() }
    if standardize == .lowerAndStripPunctuation {
      normalized = String(normalized.unicodeScalars.filter { !Self.punctuation.contains($0) })
    }
    switch split {
    case .character: return normalized.map(String.init)
    case .whitespace: return normalized.split(whereSeparator: \.isWhitespace).map(String.init)
    }
  }

  /// Python's `string.punctuation`, which Keras strips.
  private static let punctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars)
}
