import Foundation
@_spi(Fuzzing) import Strata

// libFuzzer calls these two functions; the reader is chosen by STRATA_FUZZ_TARGET.

/// The reader this process fuzzes, set once by `LLVMFuzzerInitialize` before any input.
nonisolated(unsafe) private var target = FuzzTarget.gzip

/// Called by libFuzzer once, before the first input: reads the target from
/// `STRATA_FUZZ_TARGET`, or exits listing the names.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
  _ argc: UnsafeMutablePointer<Int32>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
  let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
  guard let name = ProcessInfo.processInfo.environment["STRATA_FUZZ_TARGET"],
    let chosen = FuzzTarget(rawValue: name)
  else {
    FileHandle.standardError.write(
      Data("set STRATA_FUZZ_TARGET to one of: \(names)\n".utf8))
    exit(2)
  }
  target = chosen
  return 0
}

/// Called by libFuzzer for each input: hands the bytes to the chosen reader.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  target.read(bytes)
  return 0
}
