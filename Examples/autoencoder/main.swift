import Foundation
import Strata

// Unsupervised learning (the ANN lecture notes; Keras's "Building autoencoders"): a network
// learns to reproduce Fashion-MNIST images through a 32-value bottleneck, 784 → 32 → 784,
// sigmoid outputs trained with binary cross-entropy on the pixel intensities themselves.
// Writes a grid of test images above their reconstructions.
//
//   swift run -c release autoencoder [--epochs N] [--data DIR] [--output DIR]
var epochs = 10
var directory: URL? = nil
var output = URL(fileURLWithPath: "docs")
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments.removeFirst(), arguments.removeFirst())
  switch flag {
  case "--epochs": epochs = Int(value) ?? epochs
  case "--data": directory = URL(fileURLWithPath: value)
  case "--output": output = URL(fileURLWithPath: value)
  default:
    print("usage: autoencoder [--epochs N] [--data DIR] [--output DIR]")
    exit(64)
  }
}

do {
  try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
  let data = try FashionMNIST.load(directory: directory)
  let autoencoder = Sequential(seed: 1) {
    Input(shape: [784])
    Dense(units: 32, activation: .relu)  // the code
    Dense(units: 784, activation: .sigmoid)  // the reconstruction
  }
  autoencoder.compile(optimizer: .adam(), loss: .binaryCrossentropy)
  try autoencoder.fit(
    data.trainImages, data.trainImages, epochs: epochs, batchSize: 256,
    validationData: (data.testImages, data.testImages), verbose: 2)
  let loss = try autoencoder.evaluate(data.testImages, data.testImages, verbose: 0)["loss"]!
  // The loss of the best guess without looking at the image: the mean image.
  let meanImage = data.trainImages.mean(alongAxes: [0], keepingDims: true)
  let guess = meanImage * Tensor.ones([data.testImages.shape[0], 1])
  let baseline = BinaryCrossentropy().values(target: data.testImages, prediction: guess).mean()
    .scalar
  print(String(format: "test loss %.4f; predicting the mean image: %.4f", loss, baseline))
  print(
    "autoencoder test loss over mean-image loss: \(String(format: "%.3f", loss / baseline))")
  let originals = data.testImages.rows(0..<8)
  let reconstructions = try autoencoder.predict(originals)
  try plotImages(
    Tensor.concatenating([originals, reconstructions]).reshaped(to: [16, 28, 28]), columns: 8,
    to: output.appendingPathComponent("autoencoder-reconstructions.svg"),
    title: "Test images (top) and their reconstructions from 32 numbers (bottom)",
    scaling: .range(0, 1), pixelSize: 3)
} catch {
  print(error)
  exit(1)
}
