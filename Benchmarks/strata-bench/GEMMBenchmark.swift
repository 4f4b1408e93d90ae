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

/// Fewest seconds of `body` over `repeats` runs after one warm-up run: on a shared machine the
/// fastest run is the one least disturbed by other tenants.
func bestSeconds(repeats: Int, _ body: () -> Void) -> Double {
  body()
  var best = Double.infinity
  for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    best = Swift.min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  return best
}

/// How many repetitions give roughly `seconds` of work for a product of `flops`.
func repeatsFor(flops: Double, seconds: Double = 0.3) -> Int {
  max(3, min(200, Int(seconds / (flops / 20e9))))
}

/// OpenBLAS's kernel for the comparison: Haswell (AVX2) when Strata is asked for its AVX2
/// kernel, else OpenBLAS's own choice for the CPU.
let openBLASCoreType: String? =
  ProcessInfo.processInfo.environment["STRATA_GEMM_KERNEL"] == "avx2" ? "Haswell" : nil

/// A `python3` child with NumPy on a fixed number of OpenBLAS threads, which times one product
/// per request: it reads "m k n repeats" lines and answers each with the fewest seconds.
final class NumPyGEMMPeer {
  private let process = Process()
  private let input = Pipe()
  private let output = Pipe()
  private var pending = Data()

  /// Starts the child, or returns nil when python3 or NumPy is missing.
  init?(threads: Int) {
    let script = """
      import os, sys, time
      t = sys.argv[1]
      for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
          os.environ[v] = t
      import numpy as np
      print("ready", flush=True)
      for line in sys.stdin:
          m, k, n, reps = map(int, line.split())
          rng = np.random.default_rng(1)
          a = rng.random((m, k), dtype=np.float32); b = rng.random((k, n), dtype=np.float32)
          a @ b
          best = float("inf")
          for _ in range(reps):
              s = time.perf_counter(); a @ b; best = min(best, time.perf_counter() - s)
          print(best, flush=True)
      """
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, "\(threads)"]
    var environment = ProcessInfo.processInfo.environment
    // Older OpenBLAS builds need these on some CPUs; they slow a current one (see env notes).
    // Against Strata's AVX2 kernel (`STRATA_GEMM_KERNEL=avx2`), OpenBLAS runs its AVX2 one,
    // Haswell: the stand-in for an AVX2 machine on an AVX-512 one.
    environment["OPENBLAS_CORETYPE"] = openBLASCoreType
    environment["OPENBLAS_L2_SIZE"] = nil
    process.environment = environment
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    guard readLine() == "ready" else {
      process.terminate()
      return nil
    }
  }

  deinit {
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
  }

  /// The child's fewest seconds for `[m,k]·[k,n]` over `repeats` runs, nil if it failed.
  func bestSeconds(m: Int, k: Int, n: Int, repeats: Int) -> Double? {
    input.fileHandleForWriting.write(Data("\(m) \(k) \(n) \(repeats)\n".utf8))
    return readLine().flatMap(Double.init)
  }

  private func readLine() -> String? {
    while true {
      if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
        pending.removeSubrange(pending.startIndex...newline)
        return line
      }
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { return nil }
      pending.append(chunk)
    }
  }
}

/// For each shape and thread count, times Strata and NumPy alternately (Strata, NumPy, Strata,
/// … over `rounds` rounds, each the fastest of about 0.1 s of products), and prints the
/// median GFLOP/s of each and the median and range of the per-round ratios; then one JSON
/// line with every figure. Alternating in one run keeps a shared machine's slow spells from
/// landing on one side only.
func runGEMMBenchmark(rounds: Int = 5) {
  let threadCounts = [1, 2]
  var peers: [Int: NumPyGEMMPeer] = [:]
  for threads in threadCounts { peers[threads] = NumPyGEMMPeer(threads: threads) }
  var generator = RandomGenerator(seed: 1)
  var json: [String: Double] = [:]
  let kernel = ProcessInfo.processInfo.environment["STRATA_GEMM_KERNEL"] ?? "the best"
  print(
    "Strata's \(kernel) kernel against NumPy with OpenBLAS's \(openBLASCoreType ?? "own") kernel, \(rounds) alternating rounds"
  )
  print("shape (m×k·k×n)        threads  Strata GFLOP/s  NumPy GFLOP/s  Strata/NumPy (range)")
  // GEMM_SHAPES="128x784x512 1024x1024x1024" measures only those.
  let only = ProcessInfo.processInfo.environment["GEMM_SHAPES"]?.split(separator: " ").map(
    String.init)
  for shape in gemmShapes where only?.contains("\(shape.m)x\(shape.k)x\(shape.n)") ?? true {
    let a = Tensor.uniform([shape.m, shape.k], generator: &generator)
    let b = Tensor.uniform([shape.k, shape.n], generator: &generator)
    let flops = 2.0 * Double(shape.m * shape.n * shape.k)
    let repeats = repeatsFor(flops: flops, seconds: 0.1)
    for threads in threadCounts {
      var strataRates: [Double] = []
      var numpyRates: [Double] = []
      for _ in 0..<rounds {
        ComputeThreads.count = threads
        strataRates.append(flops / bestSeconds(repeats: repeats) { _ = a.matmul(b) } / 1e9)
        usleep(10_000)  // Strata's idle worker spins for 1 ms before it sleeps
        if let seconds = peers[threads]?.bestSeconds(
          m: shape.m, k: shape.k, n: shape.n, repeats: repeats)
        {
          numpyRates.append(flops / seconds / 1e9)
        }
        // OpenBLAS's idle workers spin for about 2^28 cycles (0.1 s at 2.5 GHz) before they
        // sleep: let them, so that they do not share the cores with Strata's next round.
        usleep(threads > 1 ? 250_000 : 10_000)
      }
      let key = "\(shape.m)x\(shape.k)x\(shape.n)/\(threads)"
      let strata = median(strataRates)
      json["strata/" + key] = strata
      let label = "\(shape.m)×\(shape.k)·\(shape.k)×\(shape.n)".padding(
        toLength: 22, withPad: " ", startingAt: 0)
      var line = "\(label) \(String(format: "%7d", threads))  \(String(format: "%14.1f", strata))"
      if numpyRates.count == strataRates.count {
        let ratios = zip(strataRates, numpyRates).map { $0 / $1 }
        json["numpy/" + key] = median(numpyRates)
        json["ratio/" + key] = median(ratios)
        line += "  \(String(format: "%13.1f", median(numpyRates)))  "
        line += String(
          format: "%5.2f (%.2f–%.2f)", median(ratios), ratios.min()!, ratios.max()!)
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

/// The middle value (the upper middle for an even count).
func median(_ values: [Double]) -> Double {
  values.sorted()[values.count / 2]
}
