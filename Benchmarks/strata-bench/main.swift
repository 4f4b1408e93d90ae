import Foundation
import Strata

// strata-bench: throughput of Strata's kernels and models, with peers measured in the same run.
//
//   strata-bench gemm | optimizers | layers | mlp-a | mlp-s | mlp-bn | predict | convnet | convnet-predict | lstm | all
//                [--epochs N] [--data DIR] [--threads N] [--seed N] [--samples N] [--bytes N]
let usage =
  "usage: strata-bench gemm|optimizers|layers|mlp-a|mlp-s|mlp-bn|predict|convnet|convnet-predict|lstm|all [--epochs N] [--data DIR] [--threads N] [--seed N] [--samples N] [--bytes N]"
var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
  print(usage)
  exit(0)
}
arguments.removeFirst()
var epochs = 3
var seed: UInt64 = 1
var dataDirectory: String? = nil
var samples: Int? = nil
var textBytes = 1_000_000
while arguments.count >= 2 {
  let (flag, value) = (arguments[0], arguments[1])
  arguments.removeFirst(2)
  switch flag {
  case "--epochs": epochs = Int(value) ?? epochs
  case "--seed": seed = UInt64(value) ?? seed
  case "--data": dataDirectory = value
  case "--samples": samples = Int(value)
  case "--bytes": textBytes = Int(value) ?? textBytes
  case "--threads": ComputeThreads.count = Int(value) ?? ComputeThreads.count
  default:
    print(usage)
    exit(64)
  }
}

do {
  switch command {
  case "gemm":
    runGEMMBenchmark()
  case "optimizers":
    try runOptimizerBenchmark()
  case "lstm":
    try runLSTMBenchmark(epochs: epochs, seed: seed, bytes: textBytes)
  case "layers":
    // strata-bench layers [--samples SLICE]: the convnet's inference time layer by layer.
    try runLayerProfile(.convnetPredict, slice: samples, data: try benchmarkData(dataDirectory))
  case "all":
    runGEMMBenchmark()
    let data = try benchmarkData(dataDirectory)
    for workload in Workload.allCases {
      try runModelBenchmark(workload, epochs: epochs, seed: seed, samples: samples, data: data)
    }
  default:
    guard let workload = Workload(rawValue: command) else {
      print(usage)
      exit(64)
    }
    try runModelBenchmark(
      workload, epochs: epochs, seed: seed, samples: samples, data: try benchmarkData(dataDirectory)
    )
  }
} catch {
  print(error)
  exit(1)
}
