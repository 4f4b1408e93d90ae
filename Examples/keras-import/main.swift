import Foundation
import Strata

// A model trained in Python with Keras 3, evaluated and trained on in Swift.
//
// Tests/Fixtures/keras/fashion-mlp.keras is a 784-16-10 MLP that Keras 3.15.1 trained for 3
// epochs on Fashion-MNIST and saved with `model.save("fashion-mlp.keras")`
// (Tools/make-keras-fixtures.py); Keras measured its test accuracy as 0.8343. This program
// loads it (architecture, weights, compile configuration), prints its summary, evaluates it on
// the test set, and trains it one more epoch.
//
//   swift run -c release keras-import [FILE.keras]
let path = CommandLine.arguments.dropFirst().first ?? "Tests/Fixtures/keras/fashion-mlp.keras"
let model = try Sequential.load(from: URL(fileURLWithPath: path))
model.summary()

let data = try FashionMNIST.load()
let before = try model.evaluate(data.testImages, data.testLabels, batchSize: 256, verbose: 0)
print("keras-import test accuracy as loaded: \(before["accuracy"]!)")
try model.fit(data.trainImages, data.trainLabels, epochs: 1, batchSize: 128, verbose: 2)
let after = try model.evaluate(data.testImages, data.testLabels, batchSize: 256, verbose: 0)
print("keras-import test accuracy after one more epoch in Strata: \(after["accuracy"]!)")
