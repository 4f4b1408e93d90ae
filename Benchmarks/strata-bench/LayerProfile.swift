import Foundation
import Strata

/// Times each layer of a workload's model in inference, as `predict` runs it: 10,000 test
/// images in slices of `slice` samples (the slice `predict` picks for this model when nil),
/// each layer fed the previous layer's output. Prints milliseconds and GFLOP/s per layer
/// (multiply-adds of the convolutions and dense layers counted twice), the fastest of
/// `repeats` passes, to show where `predict`'s time goes.
func runLayerProfile(_ workload: Workload, slice: Int?, repeats: Int = 5, data: LabeledDataset)
  throws
{
  let model = workload.makeModel(seed: 1)
  let shape = workload.isConvnet ? [28, 28, 1] : [784]
  let images = data.testImages.reshaped(to: [data.testImages.shape[0]] + shape)
  _ = try model.predict(images.rows(0..<8))  // builds the model
  let perSample = try model.layers.reduce(into: (shape: shape, values: shape.reduce(1, *))) {
    state, layer in
    state.shape = try layer.outputShape(forInputShape: state.shape)
    state.values += state.shape.reduce(1, *)
  }.values
  let sliceSize = slice ?? Swift.max(1, (2 << 20) / perSample)
  var seconds = [Double](repeating: .infinity, count: model.layers.count)
  for _ in 0..<repeats {
    var pass = [Double](repeating: 0, count: model.layers.count)
    var start = 0
    while start < images.shape[0] {
      var x = images.rows(start..<Swift.min(images.shape[0], start + sliceSize))
      for (index, layer) in model.layers.enumerated() {
        let begin = DispatchTime.now().uptimeNanoseconds
        x = try layer(x)
        pass[index] += secondsSince(begin)
      }
      start += sliceSize
    }
    seconds = zip(seconds, pass).map { Swift.min($0, $1) }
  }
  print("\(workload.rawValue): 10,000 images in slices of \(sliceSize), fastest of \(repeats)")
  print("layer                         output shape        ms   GFLOP/s")
  var inputShape = shape
  for (index, layer) in model.layers.enumerated() {
    let outputShape = try layer.outputShape(forInputShape: inputShape)
    let weights = layer.weights.first { $0.value.rank >= 2 }?.value.scalarCount ?? 0
    let positions = outputShape.dropLast().reduce(1, *)
    let flops = 2.0 * Double(weights * positions * images.shape[0])
    let rate = flops > 0 ? String(format: "%9.1f", flops / seconds[index] / 1e9) : ""
    let name = "\(layer.name) (\(type(of: layer)))".padding(
      toLength: 29, withPad: " ", startingAt: 0)
    let shapeText = "\(outputShape)".padding(toLength: 16, withPad: " ", startingAt: 0)
    print("\(name) \(shapeText) \(String(format: "%7.1f", seconds[index] * 1e3)) \(rate)")
    inputShape = outputShape
  }
  print(
    String(
      format: "total                                          %7.1f", seconds.reduce(0, +) * 1e3))
}
