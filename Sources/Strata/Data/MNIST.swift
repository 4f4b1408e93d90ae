import Foundation

/// A labelled image data set split into training and test sets.
public struct LabeledDataset {
  /// Training images: `[n, 784]` when flattened, `[n, 28, 28]` otherwise, `[n, 28, 28, 1]`
  /// with a channel axis.
  public var trainImages: Tensor
  /// Training labels: `[n]` class indices, or `[n, 10]` one-hot rows.
  public var trainLabels: Tensor
  /// Test images, shaped as the training images.
  public var testImages: Tensor
  /// Test labels, shaped as the training labels.
  public var testLabels: Tensor
}

/// Where a data set's files are looked for, in order, and how they are fetched when absent.
struct DatasetSource {
  /// The folder name under `$STRATA_DATASETS` and `~/.strata/datasets`.
  let name: String
  /// The file names.
  let files: [String]
  /// Where Debian's package puts the files, if one exists.
  let systemDirectory: String?
  /// The HTTPS base URL the files are downloaded from when no local copy exists.
  let downloadBase: String
  /// The published SHA-256 of each file as served from `downloadBase`; a download that does
  /// not match is rejected. (Local copies are not hashed: Debian's package recompresses them.)
  let sha256: [String: String]

  /// The folders to search, in the documented order, reading `STRATA_DATASETS` and `HOME`
  /// from `environment`.
  func candidateDirectories(
    explicit: URL?, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> [URL] {
    var result: [URL] = []
    if let explicit { result.append(explicit) }
    if let root = environment["STRATA_DATASETS"], !root.isEmpty {
      result.append(URL(fileURLWithPath: root).appendingPathComponent(name))
    }
    result.append(userDirectory(environment: environment))
    if let systemDirectory { result.append(URL(fileURLWithPath: systemDirectory)) }
    return result
  }

  /// `~/.strata/datasets/<name>`, where `~` is `$HOME` as the shell and Python's `expanduser`
  /// read it, or the account's home folder when `HOME` is unset.
  func userDirectory(environment: [String: String]) -> URL {
    let home =
      environment["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
      ?? FileManager.default.homeDirectoryForCurrentUser
    return home.appendingPathComponent(".strata/datasets").appendingPathComponent(name)
  }

  /// The first folder that holds every file, or a download into `~/.strata/datasets/<name>`;
  /// throws an error listing every place tried when neither works.
  func locate(
    explicit: URL?, allowDownload: Bool,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> URL {
    let candidates = candidateDirectories(explicit: explicit, environment: environment)
    for directory in candidates
    where files.allSatisfy({
      FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
    }) {
      return directory
    }
    var downloadProblem = "downloading was not attempted"
    if allowDownload && explicit == nil {
      let target = userDirectory(environment: environment)
      do {
        try download(into: target)
        return target
      } catch let error as StrataError {
        downloadProblem = "downloading from \(downloadBase) failed: \(error.message)"
      } catch {
        downloadProblem = "downloading from \(downloadBase) failed: \(describe(error))"
      }
    }
    let tried = candidates.map { "  - \($0.path)" }.joined(separator: "\n")
    throw StrataError(
      .fileFormat,
      """
      \(name): the files \(files.joined(separator: ", ")) were not found. Places tried, in order:
      \(tried)
      and \(downloadProblem).
      Provide them with one of: `apt-get install dataset-fashion-mnist` (Fashion-MNIST, into /usr/share/datasets/fashion-mnist), copying the files into ~/.strata/datasets/\(name), setting STRATA_DATASETS to a folder holding \(name)/, or passing the folder explicitly.
      """)
  }

  /// Downloads every file, checks each against its SHA-256 and as gzip (CRC-32, length) and
  /// IDX, and only when all are good moves them into `directory`, each atomically.
  func download(into directory: URL) throws {
    var verified: [(file: String, data: Data)] = []
    for file in files {
      guard let url = URL(string: downloadBase + file) else {
        throw StrataError(.invalidArgument, "\(downloadBase + file): not a URL")
      }
      let data = try downloadData(from: url)
      let bytes = [UInt8](data)
      if let expected = sha256[file] {
        let found = SHA256.hexDigest(of: bytes)
        guard found == expected else {
          throw StrataError(
            .fileFormat,
            "\(url.absoluteString): SHA-256 \(found), expected \(expected) (a corrupt or changed download; nothing was written)"
          )
        }
      }
      _ = try IDX.decode(bytes, source: url.absoluteString)
      verified.append((file, data))
    }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (file, data) in verified {
      try writeAtomically(data, to: directory.appendingPathComponent(file))
    }
    writeToStandardOutput("\(name): \(files.count) files checked and saved in \(directory.path)\n")
  }
}

/// The innermost readable description of a (possibly nested) Foundation error.
func describe(_ error: Error) -> String {
  let nsError = error as NSError
  if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? Error {
    return describe(underlying)
  }
  return (nsError.userInfo[NSLocalizedDescriptionKey] as? String) ?? nsError.localizedDescription
}

/// The MNIST handwritten digits (LeCun, Cortes & Burges): 60,000 training and 10,000 test
/// images of 28×28 pixels with labels 0–9.
public enum MNIST {
  static let source = DatasetSource(
    name: "mnist",
    files: [
      "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
      "t10k-labels-idx1-ubyte.gz",
    ],
    systemDirectory: nil,
    downloadBase: "https://storage.googleapis.com/cvdf-datasets/mnist/",
    // As TensorFlow Datasets publishes them for these URLs.
    sha256: [
      "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
      "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
      "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
      "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    ])

  /// Loads MNIST with the options of "Deep Learning from Scratch"'s `load_mnist`.
  ///
  /// Files are looked for in `directory`, then `$STRATA_DATASETS/mnist`,
  /// `~/.strata/datasets/mnist`, and are otherwise downloaded into `~/.strata/datasets/mnist`.
  ///
  /// - Parameters:
  ///   - directory: A folder to look in first.
  ///   - normalize: Pixels as 0…1 instead of 0…255.
  ///   - flatten: Images as 784 values instead of 28×28.
  ///   - channelAxis: Images as `[n, 28, 28, 1]`, for convolutional layers (Keras's
  ///     `np.expand_dims(x, -1)`); takes precedence over `flatten`.
  ///   - oneHotLabels: Labels as one-hot rows of 10 instead of class indices.
  ///   - allowDownload: Whether to download the files when they are nowhere to be found.
  public static func load(
    directory: URL? = nil, normalize: Bool = true, flatten: Bool = true, channelAxis: Bool = false,
    oneHotLabels: Bool = false, allowDownload: Bool = true
  ) throws -> LabeledDataset {
    try loadIDXDataset(
      source: source, directory: directory, normalize: normalize,
      layout: channelAxis ? .channelsLast : flatten ? .flat : .rowsAndColumns,
      oneHotLabels: oneHotLabels, allowDownload: allowDownload)
  }
}

/// Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017): 28×28 images of ten kinds of clothing, a
/// drop-in replacement for MNIST. Debian's `dataset-fashion-mnist` package installs it.
public enum FashionMNIST {
  /// The ten class names, by label.
  public static let classNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
    "Ankle boot",
  ]

  static let source = DatasetSource(
    name: "fashion-mnist",
    files: MNIST.source.files,
    systemDirectory: "/usr/share/datasets/fashion-mnist",
    downloadBase: "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
    // Zalando's release files (their MD5s, as Zalando lists them: 8d4fb7e6…, 25c81989…,
    // bef4ecab…, bb300cfd…); Keras's mirror serves files of exactly their sizes (26,421,880,
    // 29,515, 4,422,102 and 5,148 bytes).
    sha256: [
      "train-images-idx3-ubyte.gz":
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
      "train-labels-idx1-ubyte.gz":
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
      "t10k-images-idx3-ubyte.gz":
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
      "t10k-labels-idx1-ubyte.gz":
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    ])

  /// Loads Fashion-MNIST with the options of `load_mnist` (and ``MNIST/load(directory:normalize:flatten:channelAxis:oneHotLabels:allowDownload:)``'s
  /// `channelAxis` for `[n, 28, 28, 1]` images); look-up order: `directory`,
  /// `$STRATA_DATASETS/fashion-mnist`, `~/.strata/datasets/fashion-mnist`,
  /// `/usr/share/datasets/fashion-mnist`, then a download into `~/.strata/datasets`.
  public static func load(
    directory: URL? = nil, normalize: Bool = true, flatten: Bool = true, channelAxis: Bool = false,
    oneHotLabels: Bool = false, allowDownload: Bool = true
  ) throws -> LabeledDataset {
    try loadIDXDataset(
      source: source, directory: directory, normalize: normalize,
      layout: channelAxis ? .channelsLast : flatten ? .flat : .rowsAndColumns,
      oneHotLabels: oneHotLabels, allowDownload: allowDownload)
  }
}

/// How image values are laid out per sample.
enum ImageLayout {
  /// `[rows · columns]`.
  case flat
  /// `[rows, columns]`.
  case rowsAndColumns
  /// `[rows, columns, 1]`.
  case channelsLast
}

func loadIDXDataset(
  source: DatasetSource, directory: URL?, normalize: Bool, layout: ImageLayout,
  oneHotLabels: Bool, allowDownload: Bool
) throws -> LabeledDataset {
  let folder = try source.locate(explicit: directory, allowDownload: allowDownload)
  func images(_ file: String) throws -> Tensor {
    let contents = try IDX.read(contentsOf: folder.appendingPathComponent(file))
    // Both data sets are 28×28 images; anything else is a different (or damaged) file, and a
    // model built for one split would not fit the other.
    guard contents.shape.count == 3, contents.shape[0] > 0, contents.shape[1] == 28,
      contents.shape[2] == 28
    else {
      throw StrataError(
        .fileFormat,
        "\(folder.appendingPathComponent(file).path): expected at least one 28×28 image (dimensions [n, 28, 28]), found dimensions \(contents.shape)"
      )
    }
    let scale: Float = normalize ? 1 / 255 : 1
    let values = contents.bytes.map { Float($0) * scale }
    let shape: [Int]
    switch layout {
    case .flat: shape = [contents.shape[0], contents.shape[1] * contents.shape[2]]
    case .rowsAndColumns: shape = contents.shape
    case .channelsLast: shape = contents.shape + [1]
    }
    return Tensor(shape: shape, scalars: values)
  }
  func labels(_ file: String, count: Int) throws -> Tensor {
    let path = folder.appendingPathComponent(file).path
    let contents = try IDX.read(contentsOf: folder.appendingPathComponent(file))
    guard contents.shape.count == 1 else {
      throw StrataError(
        .fileFormat, "\(path): expected 1 dimension (labels), found \(contents.shape)")
    }
    guard contents.shape[0] == count else {
      throw StrataError(.fileFormat, "\(path): \(contents.shape[0]) labels for \(count) images")
    }
    if let bad = contents.bytes.firstIndex(where: { $0 > 9 }) {
      throw StrataError(
        .fileFormat,
        "\(path): label \(contents.bytes[bad]) is not in 0...9 at byte offset \(8 + bad)")
    }
    let indices = Tensor(shape: [count], scalars: contents.bytes.map(Float.init))
    return oneHotLabels ? oneHot(indices, classes: 10) : indices
  }
  let trainImages = try images("train-images-idx3-ubyte.gz")
  let testImages = try images("t10k-images-idx3-ubyte.gz")
  return LabeledDataset(
    trainImages: trainImages,
    trainLabels: try labels("train-labels-idx1-ubyte.gz", count: trainImages.shape[0]),
    testImages: testImages,
    testLabels: try labels("t10k-labels-idx1-ubyte.gz", count: testImages.shape[0]))
}
