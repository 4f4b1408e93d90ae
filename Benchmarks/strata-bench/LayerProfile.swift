import Foundation
import Strata

/// Times each layer of a workload's model in inference, as `predict` runs it: 10,000 test
/// images in slices of `slice` samples (the slice `predict` picks for this model when nil),
/// each layer fed the previous layer's output, and a `Conv2D` with a ReLU and the
/// `MaxPooling2D` after it as the one fused op `predict` runs (`convolvedMaxPooled2D`).
/// Prints milliseconds and GFLOP/s per row (multiply-adds of the convolutions and dense layers
/// counted twice, those of convolution rows a fused pooling skips included), the fastest of
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

  // Rows: single layers, or a convolution and its pooling.
  var rows: [(first: Int, count: Int)] = []
  var index = 0
  while index < model.layers.count {
    let fuses =
      index + 1 < model.layers.count && (model.layers[index] as? Conv2D)?.activation == .relu
      && model.layers[index + 1] is MaxPooling2D
    rows.append((index, fuses ? 2 : 1))
    index += fuses ? 2 : 1
  }
  func run(_ row: (first: Int, count: Int), _ x: Tensor) throws -> Tensor {
    guard row.count == 2, let conv = model.layers[row.first] as? Conv2D,
      let pool = model.layers[row.first + 1] as? MaxPooling2D
    else { return try model.layers[row.first](x) }
    let weights = conv.getWeights()
    return x.convolvedMaxPooled2D(
      kernel: weights[0], bias: weights.count > 1 ? weights[1] : nil, strides: conv.strides,
      padding: conv.padding, dilation: conv.dilationRate, activation: .relu,
      poolSize: pool.poolSize, poolStrides: pool.strides, poolPadding: pool.padding)
  }

  var seconds = [Double](repeating: .infinity, count: rows.count)
  for _ in 0..<repeats {
    var pass = [Double](repeating: 0, count: rows.count)
    var start = 0
    while start < images.shape[0] {
      var x = images.rows(start..<Swift.min(images.shape[0], start + sliceSize))
      for (position, row) in rows.enumerated() {
        let begin = DispatchTime.now().uptimeNanoseconds
        x = try run(row, x)
        pass[position] += secondsSince(begin)
      }
      start += sliceSize
    }
    seconds = zip(seconds, pass).map { Swift.min($0, $1) }
  }
  print("\(workload.rawValue): 10,000 images in slices of \(sliceSize), fastest of \(repeats)")
  print("layer                                       output shape        ms   GFLOP/s")
  var inputShape = shape
  for (position, row) in rows.enumerated() {
    let layers = model.layers[row.first..<(row.first + row.count)]
    let convolved = try layers.first!.outputShape(forInputShape: inputShape)
    let weights = layers.first!.weights.first { $0.value.rank >= 2 }?.value.scalarCount ?? 0
    let positions = convolved.dropLast().reduce(1, *)
    let flops = 2.0 * Double(weights * positions * images.shape[0])
    let rate = flops > 0 ? String(format: "%9.1f", flops / seconds[position] / 1e9) : ""
    let outputShape = try layers.dropFirst().reduce(convolved) {
      try $1.outputShape(forInputShape: $0)
    }
    let name = layers.map { "\($0.name) (\(type(of: $0)))" }.joined(separator: " + ")
    let shapeText = "\(outputShape)".padding(toLength: 16, withPad: " ", startingAt: 0)
    print(
      "\(name.padding(toLength: 43, withPad: " ", startingAt: 0)) \(shapeText) \(String(format: "%7.1f", seconds[position] * 1e3)) \(rate)"
    )
    inputShape = outputShape
  }
  print(
    String(
      format: "total                                                        %7.1f",
      seconds.reduce(0, +) * 1e3))
}
