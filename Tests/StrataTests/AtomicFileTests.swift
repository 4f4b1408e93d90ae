import Foundation
import Testing

@testable import Strata

@Test func staleTemporariesOfKilledSavesAreRemovedByTheNextSave() throws {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let destination = folder.appendingPathComponent("model.strata")
  // What `kill -9` during a save left behind: the temporary of a process that no longer
  // runs (pid 2^30 is above Linux's and macOS's largest pid), one of a running process (this
  // one: it may be writing), an old one of the form before the pid was in the name, a fresh
  // one of that form, and a file of someone else's naming.
  let dead = ".model.strata.strata-1073741824-\(UUID().uuidString).tmp"
  let live = ".model.strata.strata-\(getpid())-\(UUID().uuidString).tmp"
  let oldForm = ".model.strata.\(UUID().uuidString).tmp"
  let freshOldForm = ".model.strata.\(UUID().uuidString).tmp"
  let foreign = ".model.strata.backup.tmp"
  for name in [dead, live, oldForm, freshOldForm, foreign] {
    try Data([1, 2, 3]).write(to: folder.appendingPathComponent(name))
  }
  try FileManager.default.setAttributes(
    [.modificationDate: Date(timeIntervalSinceNow: -7200)],
    ofItemAtPath: folder.appendingPathComponent(oldForm).path)
  try writeAtomically(Data("new".utf8), to: destination)
  let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
  #expect(left == ["model.strata", live, freshOldForm, foreign])
  #expect(try String(contentsOf: destination, encoding: .utf8) == "new")
}

@Test func writeErrorsNameTheDestinationAndTheReason() throws {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let destination = folder.appendingPathComponent("missing/model.strata")
  do {
    try writeAtomically(Data("x".utf8), to: destination)
    Issue.record("writing into a folder that does not exist succeeded")
  } catch let error as StrataError {
    #expect(error.kind == .fileFormat)
    #expect(
      error.message.hasPrefix("\(destination.path): cannot be written (creating the temporary file")
    )
    #expect(error.message.hasSuffix("failed: No such file or directory)"))
  }
  // A destination that is a folder: the rename fails and the temporary is removed.
  let occupied = folder.appendingPathComponent("occupied")
  try FileManager.default.createDirectory(at: occupied, withIntermediateDirectories: false)
  try Data().write(to: occupied.appendingPathComponent("inside"))
  expectStrataError(.fileFormat, containing: "\(occupied.path): cannot be replaced (renaming") {
    try writeAtomically(Data("x".utf8), to: occupied)
  }
  #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["occupied"])
}
