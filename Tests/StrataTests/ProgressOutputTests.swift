import Testing

@testable import Strata

/// Collects what a progress display writes.
final class Transcript {
  var text = ""
  func write(_ part: String) { text += part }
}

@Test func finalLinesFollowKerasFormat() {
  // KerasReference.md §7: "3/3 ━━━━━━━━━━━━━━━━━━━━ 4s 1s/step - accuracy: 0.3875 - loss: …"
  // (verbose 1) and "4/4 - 2s - 591ms/step - accuracy: 0.5300 - loss: 0.7785" (verbose 2).
  let transcript = Transcript()
  let bar = ProgressBar(
    target: 3, verbosity: .progressBar, isTerminal: false, write: transcript.write)
  bar.update(1, values: [("accuracy", 0.5)])
  #expect(transcript.text.isEmpty)  // not a terminal: only the final line is written
  bar.update(3, values: [("accuracy", 0.3875), ("loss", 0.89271)], final: true)
  let pattern = #/^3/3 ━{20} \d+s \d+(s|ms|us)/step - accuracy: 0\.3875 - loss: 0\.8927\n$/#
  #expect(transcript.text.wholeMatch(of: pattern) != nil, "\(transcript.text)")
  let perEpoch = Transcript()
  let line = ProgressBar(
    target: 4, verbosity: .oneLinePerEpoch, isTerminal: true, write: perEpoch.write)
  line.update(4, values: [("loss", 0.0001234)], final: true)
  #expect(
    perEpoch.text.wholeMatch(of: #/^4/4 - \d+s - \d+(s|ms|us)/step - loss: 1\.2340e-04\n$/#) != nil,
    "\(perEpoch.text)")
}

@Test func terminalBarIsRedrawnInPlaceWithColours() {
  let transcript = Transcript()
  let bar = ProgressBar(
    target: 10, verbosity: .progressBar, isTerminal: true, write: transcript.write)
  bar.update(3, values: [("loss", 0.5)])
  #expect(
    transcript.text.hasPrefix("\r\u{1B}[1m 3/10\u{1B}[0m \u{1B}[32m━━━━━━\u{1B}[37m━━━━━━━━━━━━━━"))
  bar.update(10, values: [("loss", 0.25)], final: true)
  #expect(transcript.text.hasSuffix("loss: 0.2500\n"))
}

@Test func fitPrintsEpochHeadersOnlyForSeveralEpochs() throws {
  let transcript = Transcript()
  let logger = ProgbarLogger(
    verbosity: .oneLinePerEpoch, isTerminal: false, write: transcript.write)
  let (model, x, y) = try kerasReferenceModel()
  model.compile(loss: .binaryCrossentropy, metrics: [.accuracy])
  try model.fit(x, y, epochs: 2, batchSize: 2, verbose: 0, callbacks: [logger])
  let lines = transcript.text.split(separator: "\n")
  #expect(lines.count == 4)
  #expect(lines[0] == "Epoch 1/2")
  #expect(lines[1].hasPrefix("2/2 - "))
  #expect(lines[1].contains(" - accuracy: ") && lines[1].contains(" - loss: "))
  let single = Transcript()
  try model.fit(
    x, y, epochs: 1, verbose: 0,
    callbacks: [ProgbarLogger(verbosity: .oneLinePerEpoch, isTerminal: false, write: single.write)]
  )
  #expect(!single.text.contains("Epoch"))
}

@Test func formattingHelpers() {
  #expect(formatETA(5) == "5s")
  #expect(formatETA(125) == "2:05")
  #expect(formatETA(3725) == "1:02:05")
  #expect(formatPerStep(2) == " 2s/step")
  #expect(formatPerStep(0.004) == " 4ms/step")
  #expect(formatPerStep(0.00085) == " 850us/step")
  #expect(formatMetric(0.5) == "0.5000")
  #expect(formatMetric(0.0005) == "5.0000e-04")
  #expect(Verbosity(integerLiteral: 0) == .silent)
  #expect(Verbosity(integerLiteral: 2) == .oneLinePerEpoch)
}
