import Foundation
import Strata

/// The update of every optimizer on the weights of a 784-512-10 network (407,050 values), as
/// `fit` applies it: microseconds per step, and the ratio to Adam's in the same run. Each
/// optimizer updates from the same fixed gradients; the steps alternate optimizer by optimizer
/// so that a change of machine load touches them all alike.
func runOptimizerBenchmark(rounds: Int = 7) throws {
  let shapes = [[784, 512], [512], [512, 10], [10]]
  var generator = RandomGenerator(seed: 3)
  let gradients = shapes.map { Tensor.normal($0, generator: &generator) * 0.01 }
  let optimizers: [(String, () -> any Optimizer)] = [
    ("sgd", { SGD(learningRate: 0.01) }),
    ("sgd momentum 0.9", { SGD(learningRate: 0.01, momentum: 0.9) }),
    ("rmsprop", { RMSprop() }),
    ("adam", { Adam() }),
    ("adamw", { AdamW() }),
    ("adagrad", { Adagrad() }),
    ("adadelta", { Adadelta() }),
    ("adamax", { Adamax() }),
    ("nadam", { Nadam() }),
    ("lion", { Lion() }),
    ("ftrl", { Ftrl() }),
  ]
  var states: [(name: String, optimizer: any Optimizer, model: Sequential)] = []
  for (name, make) in optimizers {
    let model = Sequential(seed: 1) {
      Dense(units: 512, inputShape: [784], activation: .relu)
      Dense(units: 10, activation: .softmax)
    }
    try model.build(inputShape: [784])
    let optimizer = make()
    try optimizer.apply(gradients, to: model.trainableWeights)  // creates the slots
    states.append((name, optimizer, model))
  }
  var times = [[Double]](repeating: [], count: states.count)
  for _ in 0..<rounds {
    for (index, state) in states.enumerated() {
      let weights = state.model.trainableWeights
      let steps = 20
      let start = DispatchTime.now().uptimeNanoseconds
      for _ in 0..<steps { try state.optimizer.apply(gradients, to: weights) }
      times[index].append(
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(steps))
    }
  }
  let medians = times.map { $0.sorted()[$0.count / 2] }
  let adam = medians[states.firstIndex { $0.name == "adam" }!]
  print("optimizer            µs per step (median of \(rounds))  × Adam   spread")
  var json: [String: Double] = [:]
  for (index, state) in states.enumerated() {
    let sorted = times[index].sorted()
    print(
      state.name.padding(toLength: 20, withPad: " ", startingAt: 0)
        + String(
          format: " %12.1f %23.2f   %.1f–%.1f µs", medians[index], medians[index] / adam,
          sorted.first!, sorted.last!))
    json[state.name] = medians[index]
  }
  let data = try JSONSerialization.data(
    withJSONObject: ["benchmark": "optimizers", "microseconds_per_step": json],
    options: [.sortedKeys])
  print(String(decoding: data, as: UTF8.self))
}
