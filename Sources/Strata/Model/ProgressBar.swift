import Foundation

/// Keras 3's progress display (`keras/src/utils/progbar.py`): `12/469 ━━━━━━━━━━━━━━━━━━━━ 3s
/// 7ms/step - accuracy: 0.8123 - loss: 0.5432`, redrawn in place at most every 50 ms on a
/// terminal; a single final line otherwise.
final class ProgressBar {
  private let target: Int
  private let verbosity: Verbosity
  private let isTerminal: Bool
  private let write: (String) -> Void
  private let start = DispatchTime.now().uptimeNanoseconds
  private var lastDraw: UInt64 = 0
  private var firstStepDuration: Double?
  private var previousWidth = 0

  init(target: Int, verbosity: Verbosity, isTerminal: Bool, write: @escaping (String) -> Void) {
    self.target = target
    self.verbosity = verbosity
    self.isTerminal = isTerminal
    self.write = write
  }

  private var elapsed: Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  /// Shows progress after `current` steps with the running `values` (sorted by key).
  func update(_ current: Int, values: [(String, Float)], final: Bool = false) {
    if current == 1 { firstStepDuration = elapsed }
    guard verbosity != .silent else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    let live = verbosity == .progressBar && isTerminal
    if !final {
      guard live, now - lastDraw >= 50_000_000 else { return }
    }
    lastDraw = now
    let seconds = elapsed
    let perStep = stepDuration(current: current, seconds: seconds)
    var line: String
    if live || verbosity == .progressBar {
      let digits = String(target).count
      let count =
        String(repeating: " ", count: Swift.max(0, digits - String(current).count))
        + "\(current)/\(target)"
      let filled = target > 0 ? Swift.min(20, Int(20 * Double(current) / Double(target))) : 20
      let bar: String
      if live {
        bar =
          "\u{1B}[32m" + String(repeating: "━", count: filled) + "\u{1B}[37m"
          + String(repeating: "━", count: 20 - filled) + "\u{1B}[0m"
      } else {
        bar = String(repeating: "━", count: 20)
      }
      let time =
        final
        ? " \(String(format: "%.0f", seconds))s"
        : " " + formatETA(perStep * Double(target - current))
      line =
        (live ? "\u{1B}[1m\(count)\u{1B}[0m " : "\(count) ") + bar
        + (live ? "\u{1B}[1m\(time)\u{1B}[0m" : time)
      line += formatPerStep(perStep)
    } else {
      line = "\(current)/\(target) - \(String(format: "%.0f", seconds))s -" + formatPerStep(perStep)
    }
    for (name, value) in values { line += " - \(name): " + formatMetric(value) }
    if live {
      let width = line.count
      let padding = String(repeating: " ", count: Swift.max(0, previousWidth - width))
      write("\r" + line + padding + (final ? "\n" : ""))
      previousWidth = width
    } else {
      write(line + "\n")
    }
  }

  /// Seconds per step, ignoring the first step once more have run (Keras's estimate).
  private func stepDuration(current: Int, seconds: Double) -> Double {
    guard current > 0 else { return 0 }
    if current > 1, let first = firstStepDuration {
      return (seconds - first) / Double(current - 1)
    }
    return seconds / Double(current)
  }
}

/// `%ds`, `%d:%02d` or `%d:%02d:%02d`, as Keras prints an ETA.
func formatETA(_ seconds: Double) -> String {
  let s = Int(seconds)
  if s > 3600 { return String(format: "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60) }
  if s > 60 { return String(format: "%d:%02d", s / 60, s % 60) }
  return "\(s)s"
}

/// ` 1s/step`, ` 12ms/step` or ` 85us/step`.
func formatPerStep(_ seconds: Double) -> String {
  if seconds >= 1 || seconds == 0 { return String(format: " %.0fs/step", seconds) }
  if seconds >= 1e-3 { return String(format: " %.0fms/step", seconds * 1e3) }
  return String(format: " %.0fus/step", seconds * 1e6)
}

/// `%.4f`, or `%.4e` for magnitudes up to 1e-3, as Keras prints metric values.
func formatMetric(_ value: Float) -> String {
  Swift.abs(value) > 1e-3 ? String(format: "%.4f", value) : String(format: "%.4e", value)
}

/// Writes to standard output at once, by the route Swift's `print` takes (the C `stdout`
/// stream), so progress lines and a user's prints stay in order also when output goes to a
/// file or a pipe.
func writeToStandardOutput(_ text: String) {
  print(text, terminator: "")
  fflush(nil)
}

/// Whether standard output is a terminal.
var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
