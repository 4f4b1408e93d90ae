import Foundation
import Strata

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Data-parallel training across processes and machines on MPI, Horovod's way: pass it to
/// `fit(…, distribution:)` on every rank started by `mpirun`.
///
/// ```swift
/// let mpi = try MPIDataParallel()          // MPI_Init
/// let history = try model.fit(x, y, epochs: 5, batchSize: 256, distribution: mpi)
/// if mpi.isChief { try model.save(to: url) }
/// ```
///
/// Open MPI (versions 4 and 5, whose library is `libmpi.so.40`) is loaded at run time with
/// `dlopen`, so neither Strata nor your package needs MPI's headers to build, and a program
/// that never creates an `MPIDataParallel` runs where MPI is not installed. Set
/// `STRATA_MPI_LIBRARY` to a path to load another build of it. MPICH and other ABIs are not
/// supported (their handles are integers, not Open MPI's symbols): the error says so.
///
/// Collective calls return MPI's errors instead of aborting (`MPI_ERRORS_RETURN`), and become
/// a ``StrataError``; when one rank fails, call ``abort(_:)`` so the others stop rather than
/// wait for it for ever (``run(_:)`` does this for you).
public final class MPIDataParallel: TrainingDistribution, @unchecked Sendable {
  /// This process's rank in `MPI_COMM_WORLD`.
  public let rank: Int
  /// The number of processes in `MPI_COMM_WORLD`.
  public let worldSize: Int
  /// Whether `fit` compares a hash of the weights with rank 0's after every epoch.
  public let checksWeightsEachEpoch: Bool
  private let mpi: OpenMPI

  /// Initialises MPI (once per process) and reads the rank and size; throws a ``StrataError``
  /// if no Open MPI library can be loaded or `MPI_Init` fails. With `checkingWeights`, `fit`
  /// verifies after every epoch that this rank's weights hash as rank 0's do.
  public init(checkingWeights: Bool = false) throws {
    mpi = try OpenMPI.shared()
    rank = mpi.rank
    worldSize = mpi.size
    checksWeightsEachEpoch = checkingWeights
  }

  /// `MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD)`.
  public func allReduceSum(_ values: inout [Float]) throws {
    let count = Int32(clamping: values.count)
    let code = values.withUnsafeMutableBufferPointer { buffer in
      mpi.allreduce(
        UnsafeMutableRawPointer(bitPattern: 1), buffer.baseAddress, count, mpi.float, mpi.sum,
        mpi.world)
    }
    try mpi.check(code, "MPI_Allreduce of \(values.count) floats")
  }

  /// `MPI_Bcast(values, count, MPI_FLOAT, root, MPI_COMM_WORLD)`.
  public func broadcast(_ values: inout [Float], from root: Int) throws {
    let count = Int32(clamping: values.count)
    let code = values.withUnsafeMutableBufferPointer { buffer in
      mpi.bcast(buffer.baseAddress, count, mpi.float, Int32(root), mpi.world)
    }
    try mpi.check(code, "MPI_Bcast of \(values.count) floats from rank \(root)")
  }

  /// Stops every rank: `MPI_Abort(MPI_COMM_WORLD, code)` after printing `message` on this
  /// rank's standard error. Never returns.
  public func abort(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("rank \(rank) of \(worldSize): \(message)\n".utf8))
    _ = mpi.abortCall(mpi.world, code)
    exit(code)
  }

  /// Runs `body`; if it throws, aborts every rank with the error, so no rank waits at a
  /// collective call for one that has failed.
  public func run<T>(_ body: () throws -> T) -> T {
    do { return try body() } catch { abort("\(error)") }
  }
}

/// Open MPI's entry points and handles, found with `dlsym` in `libmpi.so.40`.
final class OpenMPI: @unchecked Sendable {
  typealias Handle = UnsafeMutableRawPointer
  typealias InitFunction =
    @convention(c) (
      UnsafeMutablePointer<Int32>?,
      UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
    ) -> Int32
  typealias FlagFunction = @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
  typealias CommIntFunction = @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
  typealias AllreduceFunction =
    @convention(c) (
      UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle
    ) -> Int32
  typealias BcastFunction =
    @convention(c) (
      UnsafeMutableRawPointer?, Int32, Handle, Int32, Handle
    ) -> Int32
  typealias AbortFunction = @convention(c) (Handle, Int32) -> Int32
  typealias ErrhandlerFunction = @convention(c) (Handle, Handle) -> Int32
  typealias ErrorStringFunction =
    @convention(c) (
      Int32, UnsafeMutablePointer<CChar>, UnsafeMutablePointer<Int32>
    ) -> Int32
  typealias FinalizeFunction = @convention(c) () -> Int32

  let world: Handle
  let float: Handle
  let sum: Handle
  let allreduce: AllreduceFunction
  let bcast: BcastFunction
  let abortCall: AbortFunction
  private let errorString: ErrorStringFunction
  private(set) var rank = 0
  private(set) var size = 1

  private static let instance = Locked<Result<OpenMPI, any Error>?>(nil)

  /// The process's MPI, initialised on first use.
  static func shared() throws -> OpenMPI {
    try instance.withLock { cached in
      if let cached { return try cached.get() }
      let result = Result<OpenMPI, any Error> { try OpenMPI() }
      cached = result
      return try result.get()
    }
  }

  private init() throws {
    let candidates =
      [ProcessInfo.processInfo.environment["STRATA_MPI_LIBRARY"]].compactMap { $0 } + [
        "libmpi.so.40", "libmpi.so", "libmpi.40.dylib", "libmpi.dylib",
      ]
    var library: UnsafeMutableRawPointer?
    for name in candidates {
      library = dlopen(name, RTLD_NOW | RTLD_GLOBAL)
      if library != nil { break }
    }
    guard let library else {
      throw StrataError(
        .invalidState,
        "MPIDataParallel: no Open MPI library found (tried \(candidates.joined(separator: ", "))); install Open MPI 4 or 5 (Debian: apt-get install openmpi-bin) or set STRATA_MPI_LIBRARY"
      )
    }
    func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
      guard let address = dlsym(library, name) else {
        throw StrataError(
          .invalidState,
          "MPIDataParallel: the MPI library has no symbol '\(name)': Strata supports Open MPI 4 and 5 (libmpi.so.40), not MPICH or other ABIs"
        )
      }
      return address
    }
    func function<F>(_ name: String, as _: F.Type) throws -> F {
      unsafeBitCast(try symbol(name), to: F.self)
    }
    // Open MPI's predefined handles are the addresses of these global objects.
    world = try symbol("ompi_mpi_comm_world")
    float = try symbol("ompi_mpi_float")
    sum = try symbol("ompi_mpi_op_sum")
    let errorsReturn = try symbol("ompi_mpi_errors_return")
    allreduce = try function("MPI_Allreduce", as: AllreduceFunction.self)
    bcast = try function("MPI_Bcast", as: BcastFunction.self)
    abortCall = try function("MPI_Abort", as: AbortFunction.self)
    errorString = try function("MPI_Error_string", as: ErrorStringFunction.self)
    let initialize = try function("MPI_Init", as: InitFunction.self)
    let initialized = try function("MPI_Initialized", as: FlagFunction.self)
    let commRank = try function("MPI_Comm_rank", as: CommIntFunction.self)
    let commSize = try function("MPI_Comm_size", as: CommIntFunction.self)
    let setErrhandler = try function("MPI_Comm_set_errhandler", as: ErrhandlerFunction.self)
    let finalize = try function("MPI_Finalize", as: FinalizeFunction.self)

    var flag: Int32 = 0
    _ = initialized(&flag)
    if flag == 0 {
      try check(initialize(nil, nil), "MPI_Init")
      // Finalised when the process exits normally, as MPI requires.
      OpenMPI.finalizer = finalize
      atexit { _ = OpenMPI.finalizer?() }
    }
    try check(setErrhandler(world, errorsReturn), "MPI_Comm_set_errhandler")
    var value: Int32 = 0
    try check(commRank(world, &value), "MPI_Comm_rank")
    rank = Int(value)
    try check(commSize(world, &value), "MPI_Comm_size")
    size = Int(value)
  }

  nonisolated(unsafe) private static var finalizer: FinalizeFunction?

  /// Throws unless `code` is `MPI_SUCCESS` (0), with MPI's description of the error.
  func check(_ code: Int32, _ call: String) throws {
    guard code != 0 else { return }
    var text = [CChar](repeating: 0, count: 512)
    var length: Int32 = 0
    _ = errorString(code, &text, &length)
    throw StrataError(
      .invalidState,
      "\(call) failed with MPI error \(code): \(String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))"
    )
  }
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) { self.value = value }

  func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}
