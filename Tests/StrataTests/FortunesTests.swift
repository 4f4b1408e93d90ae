import Foundation
import Testing

@testable import Strata

/// The excerpt of Debian's fortunes corpus committed for tests (five collections, 180 KB).
let fortunesFixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("Fixtures/fortunes")

@Test func fortunesReadsEveryCollectionAsPlainText() throws {
  let text = try Fortunes.load(directory: fortunesFixture)
  #expect(text.utf8.count > 150_000)
  // The `%` separators are gone, and so are the typewriter overstrikes.
  #expect(!text.split(separator: "\n").contains("%"))
  #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
  #expect(text.contains("*UN*lucky week"))
  // Collections come in file-name order: `fortunes` before `literature`.
  #expect(text.hasPrefix("A day for firm decisions!!!!!  Or is it?\n\nA few hours grace"))
  #expect(try Fortunes.load(directory: fortunesFixture, maximumBytes: 1000).utf8.count <= 1000)
}

@Test func fortunesSaysWhereItLookedAndHowToInstall() throws {
  let empty = FileManager.default.temporaryDirectory.appendingPathComponent(
    "strata-empty-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: empty) }
  let environment = ["HOME": empty.path, "STRATA_DATASETS": empty.path]
  let found = FileManager.default.fileExists(atPath: Fortunes.systemDirectory)
  do {
    _ = try Fortunes.load(directory: empty, environment: environment)
    #expect(found, "loaded without any collection")
  } catch let error as StrataError {
    #expect(!found)
    #expect(error.message.contains("apt-get install fortunes"))
    #expect(error.message.contains(empty.appendingPathComponent("fortunes").path))
  }
}
