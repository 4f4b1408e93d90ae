/// A reader of the HDF5 subset that h5py writes with its defaults, the format of the weights
/// inside a Keras 3 `.keras` file (`model.weights.h5`).
///
/// That subset is: superblock version 0 or 1; version-1 object headers with continuation
/// blocks; old-style groups (a symbol-table message pointing at a version-1 B-tree, `TREE`,
/// whose leaves are symbol-table nodes, `SNOD`, naming children through a local heap,
/// `HEAP`); datasets with a version 1 or 2 dataspace, a little-endian IEEE float or integer
/// datatype, and contiguous or compact storage (layout message version 3) without filters.
/// Anything else — superblock 2 or 3 (h5py's `libver="latest"`), version-2 object headers,
/// chunked or filtered datasets, other datatypes — is a ``StrataError`` that says what was found
/// and what is read. Attributes are skipped.
///
/// Every offset is checked against the file's size before it is read, B-tree nodes and header
/// blocks are visited at most once (a cyclic tree is an error, not a hang), and a dataset's
/// size is computed with overflow checks and must fit in the bytes it points at.
struct HDF5File {
  /// The eight bytes every HDF5 superblock starts with.
  static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

  private let reader: ByteReader
  private let offsetSize: Int
  private let lengthSize: Int
  private let baseAddress: Int
  /// The address of the root group's object header.
  private let rootAddress: Int

  private var source: String { reader.source }

  /// Whether `bytes` begin with an HDF5 superblock (no user block).
  static func looksLikeHDF5(_ bytes: [UInt8]) -> Bool { bytes.starts(with: signature) }

  /// Reads the superblock of the file in `bytes`; `source` names it in errors.
  init(bytes: [UInt8], source: String) throws {
    reader = ByteReader(bytes: bytes, source: source)
    // The superblock sits at 0 or, after a user block, at 512, 1024, 2048, …
    var start = 0
    while !reader.matches(start, Self.signature) {
      start = start == 0 ? 512 : start * 2
      guard start < bytes.count else {
        throw StrataError(
          .fileFormat,
          "\(source): not an HDF5 file (no superblock signature \\x89HDF\\r\\n\\x1a\\n)")
      }
    }
    let version = try reader.uint8(start + 8)
    guard version <= 1 else {
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 superblock version \(version) (written with h5py's libver='latest' or HDF5 ≥ 1.10 defaults); Strata reads versions 0 and 1, h5py's default"
      )
    }
    offsetSize = try reader.uint8(start + 13)
    lengthSize = try reader.uint8(start + 14)
    guard [2, 4, 8].contains(offsetSize), [2, 4, 8].contains(lengthSize) else {
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 offsets of \(offsetSize) bytes and lengths of \(lengthSize) at byte offset \(start + 13); expected 2, 4 or 8"
      )
    }
    var position = start + (version == 0 ? 24 : 28)
    let base = try reader.integer(position, size: offsetSize)
    guard base == start else {
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 base address \(base) differs from the superblock's offset \(start)")
    }
    baseAddress = base
    // Base, free-space, end-of-file and driver addresses, then the root group's symbol-table
    // entry: its link-name offset and its object header's address.
    position += 4 * offsetSize + offsetSize
    let root = try reader.integer(position, size: offsetSize)
    rootAddress = root
  }

  // MARK: Paths

  /// The names of the members of the group at `path` (`"layers/dense/vars"`), in the order
  /// HDF5 keeps them (sorted by name).
  func memberNames(ofGroup path: String) throws -> [String] {
    try groupMembers(at: try checkedAddress(of: path), path: path).map(\.name)
  }

  /// Whether an object exists at `path`.
  func contains(_ path: String) throws -> Bool {
    do { _ = try address(of: path) } catch is Missing { return false }
    return true
  }

  /// The float32 values and shape of the dataset at `path` (float64 and integer datasets are
  /// converted).
  func tensor(at path: String) throws -> Tensor {
    try dataset(at: try checkedAddress(of: path), path: path)
  }

  /// Every dataset in the file by its path, read group by group from the root.
  func allDatasets() throws -> [String: Tensor] {
    var datasets: [String: Tensor] = [:]
    var visited = Set<Int>()
    func walk(_ address: Int, path: String) throws {
      guard visited.insert(address).inserted, visited.count <= reader.bytes.count / 16 else {
        throw StrataError(
          .fileFormat, "\(source): HDF5 object '/\(path)' is reached twice (a cycle)")
      }
      if try messages(at: address).contains(where: { $0.type == 0x11 }) {
        for member in try groupMembers(at: address, path: path) {
          try walk(member.address, path: path.isEmpty ? member.name : "\(path)/\(member.name)")
        }
      } else {
        datasets[path] = try dataset(at: address, path: path)
      }
    }
    try walk(rootAddress, path: "")
    return datasets
  }

  /// Thrown inside the reader when a path names nothing; turned into a ``StrataError``.
  private struct Missing: Error {
    /// The first part of the path that does not exist.
    let path: String
    /// The whole path looked up.
    let lookedUp: String
  }

  private func address(of path: String) throws -> Int {
    var address = rootAddress
    var walked: [Substring] = []
    for component in path.split(separator: "/") {
      let members = try groupMembers(at: address, path: walked.joined(separator: "/"))
      guard let member = members.first(where: { $0.name == component }) else {
        throw Missing(path: (walked + [component]).joined(separator: "/"), lookedUp: path)
      }
      walked.append(component)
      address = member.address
    }
    return address
  }

  /// The address of `path`, or a ``StrataError`` naming it when it is missing.
  private func checkedAddress(of path: String) throws -> Int {
    do { return try address(of: path) } catch let error as Missing {
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 object '/\(error.path)' does not exist (looking up '/\(error.lookedUp)')")
    }
  }

  // MARK: Object headers

  /// One header message: its type and the byte range of its data.
  private struct Message {
    let type: Int
    let flags: Int
    let start: Int
    let size: Int
  }

  private static let undefinedAddress = -1

  /// Reads an offset field; the all-ones "undefined address" is returned as −1.
  private func offset(_ position: Int) throws -> Int {
    try reader.require(position, offsetSize)
    if reader.bytes[position..<position + offsetSize].allSatisfy({ $0 == 0xFF }) {
      return Self.undefinedAddress
    }
    return try reader.integer(position, size: offsetSize)
  }

  private func length(_ position: Int) throws -> Int {
    try reader.integer(position, size: lengthSize)
  }

  /// The file position of `address`, checked to lie inside the file.
  private func position(_ address: Int, what: String) throws -> Int {
    let (position, overflow) = address.addingReportingOverflow(baseAddress)
    guard address >= 0, !overflow, position < reader.bytes.count else {
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 \(what) address \(address) lies outside the file's \(reader.bytes.count) bytes"
      )
    }
    return position
  }

  /// The messages of the version-1 object header at `address`, continuation blocks followed.
  private func messages(at address: Int) throws -> [Message] {
    let start = try position(address, what: "object header")
    if reader.matches(start, Array("OHDR".utf8)) {
      throw StrataError(
        .fileFormat,
        "\(source): a version-2 HDF5 object header at byte offset \(start) (h5py's libver='latest'); Strata reads version 1, h5py's default"
      )
    }
    let version = try reader.uint8(start)
    guard version == 1 else {
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 object header version \(version) at byte offset \(start); expected 1")
    }
    let declaredCount = try reader.uint16(start + 2)
    var blocks = [(start: start + 16, size: try reader.uint32(start + 8))]
    var visited: Set<Int> = [start + 16]
    var messages: [Message] = []
    var blockIndex = 0
    while blockIndex < blocks.count {
      let block = blocks[blockIndex]
      blockIndex += 1
      try reader.require(block.start, block.size)
      var position = block.start
      let end = block.start + block.size
      while end - position >= 8 {
        let type = try reader.uint16(position)
        let size = try reader.uint16(position + 2)
        let flags = try reader.uint8(position + 4)
        let dataStart = position + 8
        guard size <= end - dataStart else {
          throw StrataError(
            .fileFormat,
            "\(source): HDF5 header message at byte offset \(position) declares \(size) bytes, past its block's end at \(end)"
          )
        }
        if type == 0x10 {
          let continuation = try self.offset(dataStart)
          let continuationLength = try length(dataStart + offsetSize)
          let continuationStart = try self.position(continuation, what: "continuation block")
          guard visited.insert(continuationStart).inserted else {
            throw StrataError(
              .fileFormat,
              "\(source): HDF5 object header at byte offset \(start) continues into byte offset \(continuationStart) twice (a cycle)"
            )
          }
          blocks.append((continuationStart, continuationLength))
        } else if type != 0 {
          messages.append(Message(type: type, flags: flags, start: dataStart, size: size))
        }
        guard messages.count <= max(declaredCount, 1) * 2 + 64 else {
          throw StrataError(
            .fileFormat,
            "\(source): HDF5 object header at byte offset \(start) holds more messages than the \(declaredCount) it declares"
          )
        }
        position = dataStart + size
      }
    }
    return messages
  }

  // MARK: Groups

  /// The members of the group whose object header is at `address`.
  private func groupMembers(at address: Int, path: String) throws -> [(name: String, address: Int)]
  {
    let messages = try messages(at: address)
    guard let table = messages.first(where: { $0.type == 0x11 }) else {
      if messages.contains(where: { $0.type == 0x02 || $0.type == 0x06 }) {
        throw StrataError(
          .fileFormat,
          "\(source): HDF5 group '/\(path)' stores its links in the new style (link messages, HDF5 ≥ 1.8 with libver='latest'); Strata reads old-style groups (symbol tables), h5py's default"
        )
      }
      throw StrataError(.fileFormat, "\(source): HDF5 object '/\(path)' is not a group")
    }
    let treeAddress = try offset(table.start)
    let heapAddress = try offset(table.start + offsetSize)
    let heap = try localHeap(at: heapAddress)
    var members: [(name: String, address: Int)] = []
    var visited = Set<Int>()
    try collectSymbols(
      node: treeAddress, depth: 0, heap: heap, visited: &visited, into: &members)
    return members
  }

  /// The data segment of a local heap: where the names of a group's members are.
  private func localHeap(at address: Int) throws -> (start: Int, size: Int) {
    let start = try position(address, what: "local heap")
    guard reader.matches(start, Array("HEAP".utf8)) else {
      throw StrataError(
        .fileFormat, "\(source): no HDF5 local heap (signature HEAP) at byte offset \(start)")
    }
    let size = try length(start + 8)
    let dataStart = try position(try offset(start + 8 + 2 * lengthSize), what: "heap data")
    try reader.require(dataStart, size)
    return (dataStart, size)
  }

  /// The NUL-terminated name at `offset` in a local heap's data segment.
  private func name(at offset: Int, in heap: (start: Int, size: Int)) throws -> String {
    guard offset >= 0, offset < heap.size else {
      throw StrataError(
        .fileFormat,
        "\(source): a member name at heap offset \(offset) lies outside the heap's \(heap.size) bytes"
      )
    }
    let bytes = reader.bytes[(heap.start + offset)..<(heap.start + heap.size)]
    guard let end = bytes.firstIndex(of: 0) else {
      throw StrataError(
        .fileFormat,
        "\(source): the member name at heap offset \(offset) has no terminating NUL")
    }
    return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
  }

  /// Walks a group's version-1 B-tree, appending every symbol of its leaves.
  private func collectSymbols(
    node address: Int, depth: Int, heap: (start: Int, size: Int), visited: inout Set<Int>,
    into members: inout [(name: String, address: Int)]
  ) throws {
    let start = try position(address, what: "B-tree node")
    guard visited.insert(start).inserted, depth < 32 else {
      throw StrataError(
        .fileFormat,
        "\(source): the HDF5 group B-tree reaches the node at byte offset \(start) twice or is deeper than 32 levels (a cycle)"
      )
    }
    guard reader.matches(start, Array("TREE".utf8)) else {
      throw StrataError(
        .fileFormat, "\(source): no HDF5 B-tree node (signature TREE) at byte offset \(start)")
    }
    let type = try reader.uint8(start + 4)
    guard type == 0 else {
      throw StrataError(
        .fileFormat,
        "\(source): the B-tree node at byte offset \(start) has type \(type); a group's tree has type 0"
      )
    }
    let level = try reader.uint8(start + 5)
    let entries = try reader.uint16(start + 6)
    var position = start + 8 + 2 * offsetSize + lengthSize  // past the siblings and key 0
    for _ in 0..<entries {
      let child = try offset(position)
      position += offsetSize + lengthSize
      if level > 0 {
        try collectSymbols(
          node: child, depth: depth + 1, heap: heap, visited: &visited, into: &members)
        continue
      }
      let nodeStart = try self.position(child, what: "symbol-table node")
      guard visited.insert(nodeStart).inserted else {
        throw StrataError(
          .fileFormat,
          "\(source): the HDF5 group B-tree reaches the symbol-table node at byte offset \(nodeStart) twice"
        )
      }
      guard reader.matches(nodeStart, Array("SNOD".utf8)) else {
        throw StrataError(
          .fileFormat,
          "\(source): no HDF5 symbol-table node (signature SNOD) at byte offset \(nodeStart)")
      }
      let symbols = try reader.uint16(nodeStart + 6)
      let entrySize = 2 * offsetSize + 24
      try reader.require(nodeStart + 8, symbols * entrySize)
      for index in 0..<symbols {
        let entry = nodeStart + 8 + index * entrySize
        let name = try name(at: try reader.integer(entry, size: offsetSize), in: heap)
        members.append((name, try offset(entry + offsetSize)))
      }
    }
  }

  // MARK: Datasets

  /// The elements' type: a little-endian IEEE float or two's-complement integer.
  private enum Element {
    case float(size: Int)
    case integer(size: Int, signed: Bool)

    var size: Int {
      switch self {
      case .float(let size), .integer(let size, _): size
      }
    }
  }

  private func dataset(at address: Int, path: String) throws -> Tensor {
    let messages = try messages(at: address)
    func message(_ type: Int, _ what: String) throws -> Message {
      guard let found = messages.first(where: { $0.type == type }) else {
        throw StrataError(
          .fileFormat, "\(source): HDF5 object '/\(path)' has no \(what) message: not a dataset")
      }
      guard found.flags & 0x02 == 0 else {
        throw StrataError(
          .fileFormat,
          "\(source): HDF5 dataset '/\(path)' shares its \(what) message with other objects; Strata reads unshared messages"
        )
      }
      return found
    }
    if messages.contains(where: { $0.type == 0x0B }) {
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 dataset '/\(path)' is filtered (compressed); Strata reads unfiltered datasets, as Keras writes them"
      )
    }
    let shape = try dataspace(try message(0x01, "dataspace"), path: path)
    let element = try datatype(try message(0x03, "datatype"), path: path)
    var count = 1
    for dimension in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow, product <= reader.bytes.count else {
        throw StrataError(
          .fileFormat,
          "\(source): HDF5 dataset '/\(path)' has shape \(shape), more values than the file's \(reader.bytes.count) bytes can hold"
        )
      }
      count = product
    }
    let byteCount = count * element.size
    let layout = try message(0x08, "layout")
    let version = try reader.uint8(layout.start)
    guard version == 3 else {
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 dataset '/\(path)' has a version-\(version) layout message; Strata reads version 3"
      )
    }
    let layoutClass = try reader.uint8(layout.start + 1)
    let dataStart: Int
    switch layoutClass {
    case 0:
      let size = try reader.uint16(layout.start + 2)
      guard size == byteCount else {
        throw StrataError(
          .fileFormat,
          "\(source): HDF5 dataset '/\(path)' stores \(size) bytes, its shape \(shape) needs \(byteCount)"
        )
      }
      dataStart = layout.start + 4
    case 1:
      let storage = try offset(layout.start + 2)
      let size = try length(layout.start + 2 + offsetSize)
      if storage == Self.undefinedAddress {
        // Never written: HDF5 reads such a dataset as its fill value, zero.
        return Tensor(shape: shape, scalars: [Float](repeating: 0, count: count))
      }
      guard size == byteCount else {
        throw StrataError(
          .fileFormat,
          "\(source): HDF5 dataset '/\(path)' stores \(size) bytes, its shape \(shape) needs \(byteCount)"
        )
      }
      dataStart = try position(storage, what: "dataset '/\(path)'")
    case 2:
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 dataset '/\(path)' is chunked; Strata reads contiguous and compact datasets, as Keras writes them"
      )
    default:
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 dataset '/\(path)' has the unknown layout class \(layoutClass)")
    }
    try reader.require(dataStart, byteCount)
    let scalars = reader.bytes.withUnsafeBytes { buffer -> [Float] in
      let raw = UnsafeRawBufferPointer(rebasing: buffer[dataStart..<(dataStart + byteCount)])
      return (0..<count).map { index in
        let at = index * element.size
        switch element {
        case .float(4):
          return Float(
            bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))
          )
        case .float:
          return Float(
            Double(
              bitPattern: UInt64(
                littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))))
        case .integer(let size, let signed):
          var value: UInt64 = 0
          for byte in (0..<size).reversed() { value = value << 8 | UInt64(raw[at + byte]) }
          if signed, size < 8, value & (1 << (size * 8 - 1)) != 0 {
            value |= ~((1 << (size * 8)) - 1)
          }
          return signed ? Float(Int64(bitPattern: value)) : Float(value)
        }
      }
    }
    return Tensor(shape: shape, scalars: scalars)
  }

  /// The dimensions of a version 1 or 2 dataspace message (`[]` for a scalar).
  private func dataspace(_ message: Message, path: String) throws -> [Int] {
    let version = try reader.uint8(message.start)
    let rank = try reader.uint8(message.start + 1)
    let first: Int
    switch version {
    case 1: first = message.start + 8
    case 2:
      let kind = try reader.uint8(message.start + 3)
      guard kind != 2 else { return [0] }  // the null dataspace holds no values
      first = message.start + 4
    default:
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 dataset '/\(path)' has a version-\(version) dataspace; Strata reads versions 1 and 2"
      )
    }
    guard rank <= 32, first + rank * lengthSize <= message.start + message.size else {
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 dataset '/\(path)' declares \(rank) dimensions, more than its dataspace message holds"
      )
    }
    return try (0..<rank).map { try length(first + $0 * lengthSize) }
  }

  /// The element type of a datatype message: little-endian float32/float64 or integers.
  private func datatype(_ message: Message, path: String) throws -> Element {
    let classAndVersion = try reader.uint8(message.start)
    let typeClass = classAndVersion & 0x0F
    let bits = try reader.uint8(message.start + 1)
    let size = try reader.uint32(message.start + 4)
    // Bit 0 is the byte order for numbers only (for strings it is part of the padding type).
    let bigEndian = typeClass <= 1 && bits & 0x01 != 0
    switch typeClass {
    case 1 where !bigEndian && (size == 4 || size == 8):
      return .float(size: size)
    case 0 where !bigEndian && [1, 2, 4, 8].contains(size):
      return .integer(size: size, signed: bits & 0x08 != 0)
    default:
      let names = [
        0: "integer", 1: "float", 2: "time", 3: "string", 4: "bit field", 5: "opaque",
        6: "compound", 7: "reference", 8: "enumeration", 9: "variable-length", 10: "array",
      ]
      throw StrataError(
        .fileFormat,
        "\(source): HDF5 dataset '/\(path)' holds \(bigEndian ? "big-endian " : "")\(names[typeClass] ?? "class-\(typeClass)") values of \(size) bytes; Strata reads little-endian floats (4 or 8 bytes) and integers"
      )
    }
  }
}
