import Foundation

// strata-bench: throughput of Strata's kernels and models, with peers measured in the same run.
let usage = "usage: strata-bench gemm"
let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "gemm":
  runGEMMBenchmark()
default:
  print(usage)
  exit(arguments.isEmpty ? 0 : 64)
}
