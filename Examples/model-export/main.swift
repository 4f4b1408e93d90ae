import Foundation
import Strata

// Exports models to ONNX and to Keras 3's .keras format, with the inputs and Strata's
// predictions beside them (Tools/check-exports.sh runs onnx.checker, onnxruntime and Keras on
// them).
//
// Six models, each trained one epoch on 2,000 Fashion-MNIST images so that the weights and
// batch-normalization statistics are not their initial values: an MLP, an MLP with
// BatchNormalization and Dropout, the convnet of "Deep Learning with Python" ch. 8 in small,
// a model that uses the other layers and activations ONNX export maps, a recurrent model
// reading each image's rows as time steps, and one reading 16 pixels of each image's middle
// row as tokens (their brightness in 16 levels) through every recurrent variant.
//
//   swift run -c release model-export [--output FOLDER]     (default .build/exports)
var output = ".build/exports"
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments[0], arguments[1])
  arguments.removeFirst(2)
  guard flag == "--output" else {
    print("unknown option \(flag); usage: model-export [--output FOLDER]")
    exit(64)
  }
  output = value
}
let folder = URL(fileURLWithPath: output)
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

let flat = try FashionMNIST.load()
let images = try FashionMNIST.load(channelAxis: true)
let count = 2000

let rows = (
  flat.trainImages.reshaped(to: [-1, 28, 28]), flat.testImages.reshaped(to: [-1, 28, 28])
)
/// 16 pixels of the middle row as token ids 0…15.
func tokens(_ images: Tensor) -> Tensor {
  let middle = images.reshaped(to: [-1, 28, 28])[0..., 14][0..., 6..<22]
  return Tensor(
    shape: middle.shape, scalars: middle.scalars.map { min(($0 * 16).rounded(.down), 15) })
}
let models: [(String, Sequential, Tensor, Tensor)] = [
  (
    "mlp",
    Sequential(seed: 1) {
      Input(shape: [784])
      Dense(units: 64, activation: .relu)
      Dense(units: 10, activation: .softmax)
    }, flat.trainImages, flat.testImages
  ),
  (
    "mlp-batchnorm",
    Sequential(seed: 2) {
      Input(shape: [784])
      Dense(units: 64)
      BatchNormalization()
      Activation(.relu)
      Dropout(rate: 0.2)
      Dense(units: 10, activation: .softmax)
    }, flat.trainImages, flat.testImages
  ),
  (
    "convnet",
    Sequential(seed: 3) {
      Input(shape: [28, 28, 1])
      Conv2D(filters: 8, kernelSize: 3, activation: .relu)
      MaxPooling2D(poolSize: 2)
      Conv2D(filters: 16, kernelSize: 3, padding: .same, activation: .relu)
      BatchNormalization()
      MaxPooling2D(poolSize: 2)
      Flatten()
      Dense(units: 10, activation: .softmax)
    }, images.trainImages, images.testImages
  ),
  (
    "layers",
    Sequential(seed: 4) {
      Input(shape: [28, 28, 1])
      ZeroPadding2D(padding: [1, 2])
      Conv2D(filters: 4, kernelSize: [3, 2], strides: 2, padding: .same, activation: .elu)
      AveragePooling2D(poolSize: 3, strides: 2, padding: .same)
      Conv2D(filters: 6, kernelSize: 2, dilationRate: 2, activation: .swish)
      GlobalMaxPooling2D(keepDims: true)
      Reshape(targetShape: [3, 2])
      Conv1D(filters: 4, kernelSize: 2, padding: .causal, activation: .selu)
      MaxPooling1D(poolSize: 2, padding: .same)
      LayerNormalization()
      GlobalAveragePooling1D()
      Dense(units: 8, activation: .gelu)
      GaussianNoise(stddev: 0.1)
      UnitNormalization()
      Dense(units: 8, activation: .leakyRelu)
      AlphaDropout(rate: 0.1)
      GaussianDropout(rate: 0.1)
      Dense(units: 10, activation: .softmax)
    }, images.trainImages, images.testImages
  ),
  (
    "recurrent",
    Sequential(seed: 5) {
      Input(shape: [28, 28])
      Bidirectional(GRU(units: 8, returnSequences: true))
      LSTM(units: 16)
      Dense(units: 10, activation: .softmax)
    }, rows.0, rows.1
  ),
  (
    "tokens",
    Sequential(seed: 6) {
      Input(shape: [16])
      Embedding(inputDim: 16, outputDim: 8)
      SimpleRNN(units: 8, returnSequences: true)
      Bidirectional(LSTM(units: 6, returnSequences: true), mergeMode: .average)
      GRU(units: 6, resetAfter: false, returnSequences: true, goBackwards: true)
      TimeDistributed(Dense(units: 4, activation: .relu))
      Bidirectional(GRU(units: 5), mergeMode: .sum)
      Dense(units: 10, activation: .softmax)
    }, tokens(flat.trainImages[0..<count]), tokens(flat.testImages[0..<32])
  ),
]

var manifest: [[String: Any]] = []
for (name, model, train, test) in models {
  model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
  try model.fit(
    train[0..<count], flat.trainLabels[0..<count], epochs: 1, batchSize: 64, verbose: 0)
  let x = test[0..<32]
  let prediction = try model.predict(x, verbose: 0)
  var formats = ["keras"]
  try model.save(to: folder.appendingPathComponent("\(name).keras"), format: .keras)
  try model.export(to: folder.appendingPathComponent("\(name).onnx"), format: .onnx)
  formats.append("onnx")
  func write(_ tensor: Tensor, _ suffix: String) throws {
    let bytes = tensor.scalars.withUnsafeBufferPointer { Data(buffer: $0) }
    try bytes.write(to: folder.appendingPathComponent("\(name).\(suffix).f32"))
  }
  try write(x, "input")
  try write(prediction, "output")
  manifest.append([
    "name": name, "input_shape": x.shape, "output_shape": prediction.shape, "formats": formats,
  ])
  print(
    "model-export \(name) as \(formats.joined(separator: " and ")): \(model.parameterCount) parameters, \(model.layers.count) layers"
  )
}
try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
  .write(to: folder.appendingPathComponent("manifest.json"))
print("model-export wrote \(models.count) models to \(folder.path)")
