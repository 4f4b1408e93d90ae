import Foundation
import Testing

@testable import Strata

@Test func csvWithHeaderAndNamedLabel() throws {
  let table = try CSV.parse("x1,label,x2\n1,0,2\n3,1,4\n\n", source: "t.csv", label: "label")
  #expect(table.features.shape == [2, 2])
  #expect(table.features.scalars == [1, 2, 3, 4])
  #expect(table.labels.scalars == [0, 1])
  #expect(table.featureNames == ["x1", "x2"])
  #expect(table.labelName == "label")
}

@Test func csvWithoutHeaderAndNumberedLabel() throws {
  let table = try CSV.parse("0.5;1;7\n1.5;0;8\n", source: "t.csv", label: 1, separator: ";")
  #expect(table.features.scalars == [0.5, 7, 1.5, 8])
  #expect(table.labels.scalars == [1, 0])
  #expect(table.featureNames == ["column_0", "column_2"])
}

@Test func malformedCSVNamesTheLine() throws {
  expectStrataError(
    .fileFormat, containing: "t.csv: line 3, column 2 ('b'): 'oops' is not a finite number"
  ) {
    _ = try CSV.parse("a,b\n1,2\n3,oops\n", source: "t.csv")
  }
  expectStrataError(.fileFormat, containing: "line 2 has 3 cells, expected 2") {
    _ = try CSV.parse("1,2\n3,4,5\n", source: "t.csv")
  }
  expectStrataError(.invalidArgument, containing: "no column named 'y'") {
    _ = try CSV.parse("a,b\n1,2\n", source: "t.csv", label: "y")
  }
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("data.csv")
  try "f,y\n1,0\n2,1\n".write(to: file, atomically: true, encoding: .utf8)
  #expect(try CSV.load(contentsOf: file, label: "y").labels.scalars == [0, 1])
}

@Test func csvErrorsQuoteCellsBrieflyAndNULIsNotANumber() throws {
  // Fuzz/regressions/csv-huge-cell.csv: the message quoted the whole 100 KB cell.
  let huge = try String(contentsOf: regressionInput("csv-huge-cell.csv"), encoding: .utf8)
  do {
    _ = try CSV.parse(huge, source: "huge.csv")
    Issue.record("a 100 KB non-number cell was read")
  } catch let error as StrataError {
    #expect(
      error.message.contains("line 2, column 1 ('a'): '\(String(repeating: "x", count: 40))…'"))
    #expect(error.message.count < 200)
  }
  // Fuzz/regressions/csv-nul-in-a-cell.csv: "1\0" read as 1 (Float(_:) stops at NUL).
  let nul = try String(contentsOf: regressionInput("csv-nul-in-a-cell.csv"), encoding: .utf8)
  expectStrataError(
    .fileFormat, containing: "line 2, column 1 ('a'): '1\u{0}' is not a finite number"
  ) {
    _ = try CSV.parse(nul, source: "nul.csv")
  }
}
