// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Strata",
  products: [
    .library(name: "Strata", targets: ["Strata"]),
    .library(name: "StrataDistributed", targets: ["StrataDistributed"]),
    .executable(name: "strata-bench", targets: ["strata-bench"]),
  ],
  targets: [
    // The compute kernels that need CPU features Swift cannot ask for without unsafe flags
    // (AVX2 + FMA, chosen at run time). Everything around them is Swift.
    .target(name: "StrataKernels"),
    .target(name: "StrataTensor", dependencies: ["StrataKernels"]),
    .target(name: "Strata", dependencies: ["StrataTensor"]),
    // Data-parallel training on Open MPI, loaded at run time (no MPI needed to build).
    .target(name: "StrataDistributed", dependencies: ["Strata"]),
    .executableTarget(
      name: "strata-bench", dependencies: ["Strata"], path: "Benchmarks/strata-bench"),
    .executableTarget(
      name: "tensor-tour", dependencies: ["Strata"], path: "Examples/tensor-tour"),
    .executableTarget(name: "quickstart", dependencies: ["Strata"], path: "Examples/quickstart"),
    .executableTarget(name: "mnist", dependencies: ["Strata"], path: "Examples/mnist"),
    .executableTarget(
      name: "binary-classification", dependencies: ["Strata"],
      path: "Examples/binary-classification"),
    .executableTarget(name: "convnet", dependencies: ["Strata"], path: "Examples/convnet"),
    .executableTarget(
      name: "keras-import", dependencies: ["Strata"], path: "Examples/keras-import"),
    .executableTarget(
      name: "model-export", dependencies: ["Strata"], path: "Examples/model-export"),
    .executableTarget(
      name: "distributed-training", dependencies: ["Strata", "StrataDistributed"],
      path: "Examples/distributed-training"),
    .executableTarget(
      name: "simple-convnet", dependencies: ["Strata"], path: "Examples/simple-convnet"),
    .executableTarget(name: "char-rnn", dependencies: ["Strata"], path: "Examples/char-rnn"),
    .executableTarget(name: "perceptron", dependencies: ["Strata"], path: "Examples/perceptron"),
    .executableTarget(name: "weight-init", dependencies: ["Strata"], path: "Examples/weight-init"),
    .executableTarget(
      name: "gradient-check", dependencies: ["Strata"], path: "Examples/gradient-check"),
    .executableTarget(name: "overfitting", dependencies: ["Strata"], path: "Examples/overfitting"),
    .executableTarget(name: "autoencoder", dependencies: ["Strata"], path: "Examples/autoencoder"),
    .executableTarget(name: "batch-norm", dependencies: ["Strata"], path: "Examples/batch-norm"),
    .executableTarget(
      name: "incremental-learning", dependencies: ["Strata"], path: "Examples/incremental-learning"),
    .executableTarget(
      name: "hyperparameter-search", dependencies: ["Strata"],
      path: "Examples/hyperparameter-search"),
    .executableTarget(
      name: "optimizer-comparison", dependencies: ["Strata"],
      path: "Examples/optimizer-comparison"),
    .executableTarget(
      name: "sequence-classification", dependencies: ["Strata"],
      path: "Examples/sequence-classification"),
    .testTarget(name: "StrataTensorTests", dependencies: ["StrataTensor"]),
    .testTarget(name: "StrataTests", dependencies: ["Strata"]),
  ],
  swiftLanguageModes: [.v6]
)
