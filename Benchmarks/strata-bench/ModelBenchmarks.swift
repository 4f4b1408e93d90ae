import Foundation
import Strata

/// The workloads of the performance issue, each the same model Keras, PyTorch and NumPy run in
/// `Benchmarks/peers.py`.
enum Workload: String, CaseIterable {
  case mlpA = "mlp-a"
  case mlpS = "mlp-s"
  case mlpBN = "mlp-bn"
  case predict
  case convnet
  case convnetPredict = "convnet-predict"

  /// Whether the workload is the convnet of "Deep Learning with Python" ch. 8 (images
  /// `[28, 28, 1]`, RMSprop, batch 64) rather than an MLP.
  var isConvnet: Bool { self == .convnet || self == .convnetPredict }

  /// Whether the workload times prediction rather than training.
  var isPrediction: Bool { self == .predict || self == .convnetPredict }

  /// A fresh model for the workload.
  func makeModel(seed: UInt64) -> Sequential {
    switch self {
    case .mlpA, .predict:
      return Sequential(seed: seed) {
        Dense(units: 512, inputShape: [784], activation: .relu)
        Dropout(rate: 0.2)
        Dense(units: 512, activation: .relu)
        Dropout(rate: 0.2)
        Dense(units: 10, activation: .softmax)
      }
    case .mlpS:
      return Sequential(seed: seed) {
        Dense(units: 128, inputShape: [784], activation: .relu)
        Dense(units: 10, activation: .softmax)
      }
    case .mlpBN:
      return Sequential(seed: seed) {
        Dense(units: 512, inputShape: [784])
        BatchNormalization()
        Activation(.relu)
        Dropout(rate: 0.2)
        Dense(units: 512)
        BatchNormalization()
        Activation(.relu)
        Dropout(rate: 0.2)
        Dense(units: 10, activation: .softmax)
      }
    case .convnet, .convnetPredict:
      return Sequential(seed: seed) {
        Input(shape: [28, 28, 1])
        Conv2D(filters: 32, kernelSize: 3, activation: .relu)
        MaxPooling2D(poolSize: 2)
        Conv2D(filters: 64, kernelSize: 3, activation: .relu)
        MaxPooling2D(poolSize: 2)
        Conv2D(filters: 128, kernelSize: 3, activation: .relu)
        Flatten()
        Dense(units: 10, activation: .softmax)
      }
    }
  }

  var batchSize: Int { isConvnet ? 64 : self == .mlpS ? 32 : 128 }
}

/// Peak resident set size of this process in bytes (`getrusage`).
func peakResidentBytes() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_maxrss * 1024
}

/// Fashion-MNIST from `--data`, `../shared/datasets/fashion-mnist`, or the normal look-up.
func benchmarkData(_ directory: String?) throws -> LabeledDataset {
  if let directory { return try FashionMNIST.load(directory: URL(fileURLWithPath: directory)) }
  let shared = URL(fileURLWithPath: "../shared/datasets/fashion-mnist")
  if FileManager.default.fileExists(atPath: shared.path) {
    return try FashionMNIST.load(directory: shared)
  }
  return try FashionMNIST.load()
}

func secondsSince(_ start: UInt64) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Trains (or, for `predict`, runs) the workload and prints a table and one JSON line.
func runModelBenchmark(
  _ workload: Workload, epochs: Int, seed: UInt64 = 1, samples: Int? = nil, data: LabeledDataset
) throws {
  let model = workload.makeModel(seed: seed)
  model.compile(
    optimizer: workload.isConvnet ? .rmsprop : .adam(learningRate: 1e-3),
    loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
  let count = Swift.min(samples ?? data.trainImages.shape[0], data.trainImages.shape[0])
  let shape = workload.isConvnet ? [28, 28, 1] : [784]
  let trainImages = data.trainImages.rows(0..<count).reshaped(to: [count] + shape)
  let trainLabels = data.trainLabels.rows(0..<count)
  let testImages = data.testImages.reshaped(to: [data.testImages.shape[0]] + shape)
  var result: [String: Any] = [
    "benchmark": workload.rawValue, "framework": "strata", "threads": ComputeThreads.count,
  ]
  if workload.isPrediction {
    try model.fit(
      trainImages, trainLabels, epochs: 1, batchSize: workload.batchSize, verbose: 0)
    _ = try model.predict(testImages, batchSize: 1024)
    var times: [Double] = []
    for _ in 0..<5 {
      let start = DispatchTime.now().uptimeNanoseconds
      _ = try model.predict(testImages, batchSize: 1024)
      times.append(secondsSince(start))
    }
    let median = times.sorted()[times.count / 2]
    let samplesPerSecond = Double(testImages.shape[0]) / median
    print(
      "predict 10,000 images, batch 1024: \(String(format: "%.4f", median)) s (median of 5), \(Int(samplesPerSecond)) samples/s"
    )
    result["seconds"] = times
    result["median_seconds"] = median
    result["samples_per_second"] = samplesPerSecond
  } else {
    var epochSeconds: [Double] = []
    print("epoch  seconds  samples/s  loss    accuracy")
    for epoch in 0..<epochs {
      let start = DispatchTime.now().uptimeNanoseconds
      let history = try model.fit(
        trainImages, trainLabels, epochs: epoch + 1, batchSize: workload.batchSize,
        initialEpoch: epoch, verbose: 0)
      let seconds = secondsSince(start)
      epochSeconds.append(seconds)
      print(
        String(
          format: "%5d  %7.3f  %9.0f  %.4f  %.4f", epoch + 1, seconds,
          Double(count) / seconds,
          history["loss"]!.last!, history["accuracy"]!.last!))
    }
    let steady = Array(
      epochSeconds.dropFirst().isEmpty ? epochSeconds : Array(epochSeconds.dropFirst()))
    let median = steady.sorted()[steady.count / 2]
    let accuracy = try model.evaluate(
      testImages, data.testLabels, batchSize: 1024, verbose: 0)["accuracy"]!
    print(
      "steady-state epoch (median after the first): \(String(format: "%.3f", median)) s; test accuracy \(String(format: "%.4f", accuracy))"
    )
    result["epoch_seconds"] = epochSeconds
    result["median_epoch_seconds"] = median
    result["samples_per_second"] = Double(count) / median
    result["test_accuracy"] = accuracy
  }
  result["peak_rss_bytes"] = peakResidentBytes()
  print("peak RSS: \(String(format: "%.0f", Double(peakResidentBytes()) / 1_048_576)) MB")
  let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
  print(String(decoding: json, as: UTF8.self))
}
