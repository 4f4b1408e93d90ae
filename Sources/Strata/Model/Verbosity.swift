/// How much `fit`, `evaluate` and `predict` print, as Keras's `verbose`.
///
/// Integer literals work as in Keras: `verbose: 0` is silent, `1` a progress bar, `2` one line
/// per epoch. When standard output is not a terminal (a log file, CI), `1` prints the final
/// line of each epoch only, so logs carry no control characters.
public enum Verbosity: Int, Equatable, Sendable, ExpressibleByIntegerLiteral {
  /// Nothing is printed.
  case silent = 0
  /// A live progress bar, redrawn at most every 50 ms.
  case progressBar = 1
  /// One line per epoch.
  case oneLinePerEpoch = 2

  /// `0`, `1` or `2`; anything else is treated as `2`.
  public init(integerLiteral value: Int) {
    self = Verbosity(rawValue: value) ?? .oneLinePerEpoch
  }
}
