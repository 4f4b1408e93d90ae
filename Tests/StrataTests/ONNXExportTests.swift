import Foundation
import Testing

@testable import Strata

// The onnxruntime comparison of exported models is Tools/check-exports.sh, run by .ci/run on
// the files of the model-export example; these tests cover the encoder and the errors.

@Test func protobufWriterEncodesTheWireFormat() {
  // Expected bytes from the Protocol Buffers encoding guide: tag = field << 3 | wire type.
  var writer = ProtobufWriter()
  writer.integer(1, 8)  // 08 08
  writer.integer(1, 300)  // 08 ac 02
  writer.integer(3, -1)  // 18, then -1 as ten bytes: ff × 9, 01
  writer.float(2, 1)  // 15, 1.0f little-endian: 00 00 80 3f
  writer.string(4, "ab")  // 22 02 61 62
  writer.message(5) { $0.integer(1, 150) }  // 2a 03, then 08 96 01
  #expect(
    writer.bytes == [
      0x08, 0x08, 0x08, 0xAC, 0x02, 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
      0x01, 0x15, 0x00, 0x00, 0x80, 0x3F, 0x22, 0x02, 0x61, 0x62, 0x2A, 0x03, 0x08, 0x96, 0x01,
    ])
}

private func temporaryFile(_ name: String) -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent(
    "strata-\(UUID().uuidString)-\(name)")
}

@Test func onnxExportWritesAModelProto() throws {
  let model = Sequential(seed: 1) {
    Input(shape: [4])
    Dense(units: 3, activation: .relu)
    Dense(units: 2, activation: .softmax)
  }
  try model.build(inputShape: [4])
  let url = temporaryFile("mlp.onnx")
  defer { try? FileManager.default.removeItem(at: url) }
  try model.export(to: url, format: .onnx)
  let bytes = [UInt8](try Data(contentsOf: url))
  // ModelProto field 1, ir_version 8, then field 2, producer_name "Strata".
  #expect(bytes.starts(with: [0x08, 0x08, 0x12, 0x06] + Array("Strata".utf8)))
  // The opset import (field 8) closes the file: domain "" and version 17.
  #expect(Array(bytes.suffix(6)) == [0x42, 0x04, 0x0A, 0x00, 0x10, 0x11])
  let text = String(decoding: bytes, as: UTF8.self)
  for op in ["Gemm", "Relu", "Softmax", "dense/kernel", "dense_1/bias", "batch"] {
    #expect(text.contains(op), "\(op)")
  }
  // The weights are stored raw: the first kernel's bytes appear as they are.
  let kernel = try #require(model.layers[0].weights.first).value.scalars
  let raw = kernel.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) }
  #expect(bytes.firstRange(of: raw) != nil)
}

@Test func onnxExportRefusesWhatItCannotMap() throws {
  let url = temporaryFile("refused.onnx")
  let masked = Sequential {
    Input(shape: [5])
    Embedding(inputDim: 4, outputDim: 2, maskZero: true)
    LSTM(units: 2)
  }
  try masked.build(inputShape: [5])
  expectStrataError(
    .invalidArgument, containing: "layer 'embedding': Embedding(maskZero: true) has no ONNX mapping"
  ) {
    try masked.export(to: url, format: .onnx)
  }
  let masking = Sequential {
    Input(shape: [5, 3])
    Masking()
    LSTM(units: 2)
  }
  try masking.build(inputShape: [5, 3])
  expectStrataError(.invalidArgument, containing: "layer 'masking': Masking has no ONNX mapping") {
    try masking.export(to: url, format: .onnx)
  }
  let hardSigmoid = Sequential {
    Input(shape: [5, 3])
    LSTM(units: 2, activation: .relu, recurrentActivation: .softplus)
  }
  try hardSigmoid.build(inputShape: [5, 3])
  expectStrataError(
    .invalidArgument, containing: "recurrent activation 'softplus' has no ONNX mapping"
  ) {
    try hardSigmoid.export(to: url, format: .onnx)
  }
  let custom = Sequential {
    Input(shape: [2])
    Dense(units: 2, activation: .custom(name: "cube") { $0 * $0 * $0 })
  }
  try custom.build(inputShape: [2])
  expectStrataError(.invalidArgument, containing: "activation 'cube' has no ONNX mapping") {
    try custom.export(to: url, format: .onnx)
  }
  expectStrataError(.invalidState, containing: "is not built yet") {
    try Sequential { Dense(units: 2) }.export(to: url, format: .onnx)
  }
  #expect(!FileManager.default.fileExists(atPath: url.path))
}
