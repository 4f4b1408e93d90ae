import Foundation
import Strata

/// The matrix shapes of the MLP workloads, a square one, and the im2col products of the
/// ch. 8 convnet at batch 64: (m, k, n) for [m,k]·[k,n]. The convolutions' forward products
/// are [images·positions, kh·kw·channels]·[kh·kw·channels, filters] (43264×9·9×32,
/// 7744×288·288×64, 576×576·576×128); their kernel gradients have the shape of
/// 288×7744·7744×64, their input gradients of 7744×64·64×288. The LSTM(256) of the
/// character model at batch 64 multiplies 64×256·256×1024 each step forward and 64×1024·1024×256
/// back, and its recurrent kernel's gradient is one 256×4096·4096×1024 per batch.
let gemmShapes: [(m: Int, k: Int, n: Int)] = [
  (128, 784, 512), (128, 512, 512), (784, 128, 512), (128, 512, 10), (1024, 1024, 1024),
  (43264, 9, 32), (7744, 288, 64), (576, 576, 128), (288, 7744, 64), (7744, 64, 288),
  (64, 256, 1024), (64, 1024, 256), (256, 64, 1024), (256, 4096, 1024),
]

/// Median seconds of `body` over `repeats` runs after one warm-up run.
func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
  body()
  var times: [Double] = []
  for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  return times.sorted()[times.count / 2]
}

/// How many repetitions give roughly `seconds` of work for a product of `flops`.
func repeatsFor(flops: Double, seconds: Double = 0.3) -> Int {
  max(3, min(200, Int(seconds / (flops / 20e9))))
}

/// OpenBLAS's kernel for the comparison: Haswell (AVX2) when Strata is asked for its AVX2
/// kernel, else OpenBLAS's own choice for the CPU.
let openBLASCoreType: String? =
  ProcessInfo.processInfo.environment["STRATA_GEMM_KERNEL"] == "avx2" ? "Haswell" : nil

/// GFLOP/s of NumPy for the same shapes, measured by a child `python3` in this run, keyed by
/// "m×k×n/threads"; empty when python3 or NumPy is missing.
func numpyGEMM(threads: [Int]) -> [String: Double] {
  let script = """
    import os, sys, time, json
    t = int(sys.argv[1])
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[v] = str(t)
    import numpy as np
    shapes = json.loads(sys.argv[2])
    out = {}
    for m, k, n in shapes:
        a = np.random.rand(m, k).astype(np.float32); b = np.random.rand(k, n).astype(np.float32)
        flops = 2.0 * m * n * k
        reps = max(3, min(200, int(0.3 / (flops / 20e9))))
        a @ b
        ts = []
        for _ in range(reps):
            s = time.perf_counter(); a @ b; ts.append(time.perf_counter() - s)
        ts.sort()
        out[f"{m}x{k}x{n}/{t}"] = flops / ts[len(ts) // 2] / 1e9
    print(json.dumps(out))
    """
  var results: [String: Double] = [:]
  let shapes = "[" + gemmShapes.map { "[\($0.m),\($0.k),\($0.n)]" }.joined(separator: ",") + "]"
  for t in threads {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, "\(t)", shapes]
    var environment = ProcessInfo.processInfo.environment
    // Older OpenBLAS builds need these on some CPUs; they slow a current one (see env notes).
    // Against Strata's AVX2 kernel (`STRATA_GEMM_KERNEL=avx2`), OpenBLAS runs its AVX2 one,
    // Haswell: the stand-in for an AVX2 machine on an AVX-512 one.
    environment["OPENBLAS_CORETYPE"] = openBLASCoreType
    environment["OPENBLAS_L2_SIZE"] = nil
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return [:] }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Double]
    else { return [:] }
    results.merge(object) { $1 }
  }
  return results
}

/// Prints Strata's GFLOP/s for each shape with 1 and 2 threads, NumPy's in the same run, and
/// the ratio; then one JSON line with every figure.
func runGEMMBenchmark() {
  let threadCounts = [1, 2]
  let numpy = numpyGEMM(threads: threadCounts)
  var generator = RandomGenerator(seed: 1)
  var json: [String: Double] = [:]
  let kernel = ProcessInfo.processInfo.environment["STRATA_GEMM_KERNEL"] ?? "the best"
  print(
    "Strata's \(kernel) kernel against NumPy with OpenBLAS's \(openBLASCoreType ?? "own") kernel")
  print("shape (m×k·k×n)        threads  Strata GFLOP/s  NumPy GFLOP/s  Strata/NumPy")
  for shape in gemmShapes {
    let a = Tensor.uniform([shape.m, shape.k], generator: &generator)
    let b = Tensor.uniform([shape.k, shape.n], generator: &generator)
    let flops = 2.0 * Double(shape.m * shape.n * shape.k)
    for threads in threadCounts {
      ComputeThreads.count = threads
      let seconds = medianSeconds(repeats: repeatsFor(flops: flops)) { _ = a.matmul(b) }
      let gflops = flops / seconds / 1e9
      let key = "\(shape.m)x\(shape.k)x\(shape.n)/\(threads)"
      json["strata/" + key] = gflops
      let label = "\(shape.m)×\(shape.k)·\(shape.k)×\(shape.n)".padding(
        toLength: 22, withPad: " ", startingAt: 0)
      var line = "\(label) \(String(format: "%7d", threads))  \(String(format: "%14.1f", gflops))"
      if let reference = numpy[key] {
        json["numpy/" + key] = reference
        line +=
          "  \(String(format: "%13.1f", reference))  \(String(format: "%12.2f", gflops / reference))"
      } else {
        line += "  \(String(format: "%13@", "n/a"))"
      }
      print(line)
    }
  }
  ComputeThreads.count = ProcessInfo.processInfo.activeProcessorCount
  let data = try! JSONSerialization.data(
    withJSONObject: ["benchmark": "gemm", "gflops": json], options: [.sortedKeys])
  print(String(decoding: data, as: UTF8.self))
}
