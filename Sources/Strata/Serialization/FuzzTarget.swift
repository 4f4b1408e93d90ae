import Foundation

/// Strata's readers of untrusted bytes, one entry point each, for the fuzz targets of
/// `Fuzz/` (`@_spi(Fuzzing) import Strata`; see `Fuzz/README.md`).
///
/// ``read(_:)`` hands the bytes to the reader and returns whether they were accepted or
/// refused with a ``StrataError``. Any other outcome is a bug the fuzzer must report: a crash
/// or sanitizer report on its own, and an error of another type ends the process.
@_spi(Fuzzing) public enum FuzzTarget: String, CaseIterable, Sendable {
  /// `Gzip.decompress`, capped at 64 MiB of output.
  case gzip
  /// ``IDX/decode(_:source:maximumSize:)``, gzip-compressed or not, at most 64 MiB of values.
  case idx
  /// ``Sequential/loadWeights(from:)`` into ``weightsModel()``.
  case safetensors
  /// ``Sequential/load(from:compile:)``, then one prediction when the input is small.
  case modelFile = "model-file"
  /// ``CSV/parse(_:source:hasHeader:label:separator:)``.
  case csv
  /// ``Sequential/load(from:compile:)`` of a Keras 3 `.keras` archive (CRC-32s not checked,
  /// so that mutations reach `config.json` and the HDF5 weights), then one prediction when the
  /// input is small.
  case kerasFile = "keras-file"
  /// The HDF5 reader of Keras weights files: every dataset of the file.
  case hdf5

  /// The largest output the fuzzed decompressors may produce.
  static let outputLimit = 1 << 26

  /// The model whose weights the `safetensors` target loads: `Dense(4)` on 3 inputs,
  /// `BatchNormalization`, `Dense(2)` (the seed corpus holds its weights).
  public static func weightsModel() -> Sequential {
    let model = Sequential(seed: 1) {
      Dense(units: 4, inputShape: [3], activation: .relu)
      BatchNormalization()
      Dense(units: 2, activation: .softmax)
    }
    try? model.build(inputShape: [3])
    return model
  }

  /// Reads `bytes` with this target's reader; returns `true` when they were accepted.
  @discardableResult
  public func read(_ bytes: [UInt8]) -> Bool {
    do {
      switch self {
      case .gzip:
        _ = try Gzip.decompress(bytes, source: "input", limit: FuzzTarget.outputLimit)
      case .idx:
        _ = try IDX.decode(bytes, source: "input", maximumSize: FuzzTarget.outputLimit)
      case .safetensors:
        try FuzzTarget.weightsModel().loadWeights(safetensors: bytes, source: "input")
      case .modelFile:
        try predictOnce(with: try Sequential.load(bytes: bytes, source: "input"))
      case .kerasFile:
        var reader = KerasModelFile(source: "input")
        reader.verifiesChecksums = false
        try predictOnce(with: try reader.load(bytes: bytes, compile: true))
      case .hdf5:
        _ = try HDF5File(bytes: bytes, source: "input").allDatasets()
      case .csv:
        _ = try CSV.parse(String(decoding: bytes, as: UTF8.self), source: "input")
      }
      return true
    } catch is StrataError {
      return false
    } catch {
      // Every reader throws only StrataError, so only a Strata bug gets here; the fuzzer
      // reports a crash, which is the point of this SPI (users never call it).
      fatalError("the \(rawValue) reader threw \(error), which is not a StrataError")
    }
  }

  /// The member called `name` of the zip archive in `bytes` (the seed writer takes the HDF5
  /// weights out of `.keras` files with it).
  public static func archiveMember(_ name: String, of bytes: [UInt8]) throws -> [UInt8] {
    try ZipArchive(bytes: bytes, source: "archive").contents(of: name)
  }

  /// Predicts one sample of zeros with `model` when its activations are small enough.
  private func predictOnce(with model: Sequential) throws {
    if let shape = model.inputShape, try activationCount(of: model, inputShape: shape) {
      _ = try model.predict(Tensor.zeros([1] + shape))
    }
  }

  /// Whether one sample's activations through `model` stay under 2²² values, so that a
  /// prediction is worth making (a valid file may describe a model too large to run here).
  private func activationCount(of model: Sequential, inputShape: [Int]) throws -> Bool {
    var shape = inputShape
    var total = 0
    for layer in [nil] + model.layers {
      if let layer { shape = try layer.outputShape(forInputShape: shape) }
      var size = 1
      for dimension in shape {
        let (product, overflow) = size.multipliedReportingOverflow(by: dimension)
        guard !overflow, product <= 1 << 22 else { return false }
        size = product
      }
      total += size
      if total > 1 << 22 { return false }
    }
    return true
  }
}
