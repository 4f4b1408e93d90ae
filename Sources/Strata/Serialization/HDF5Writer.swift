/// A writer of the HDF5 subset ``HDF5File`` reads, as h5py writes it by default: superblock
/// version 0, version-1 object headers, old-style groups (a local heap of member names, one
/// symbol-table node and a one-node B-tree each) and contiguous float32 datasets. It writes
/// the weights file of a Keras 3 `.keras` archive.
///
/// Groups are created by the paths of the datasets put in them (`"layers/dense/vars/0"`);
/// members are stored sorted by name, as HDF5 looks them up by binary search.
struct HDF5Writer {
  /// A group: its subgroups and datasets by name.
  private final class Group {
    var groups: [String: Group] = [:]
    var datasets: [String: Tensor] = [:]
    var memberCount: Int { groups.count + datasets.count }
  }

  private let root = Group()

  /// Puts `tensor` at `path`, creating the groups on the way.
  mutating func add(_ tensor: Tensor, at path: String) {
    let components = path.split(separator: "/").map(String.init)
    group(at: components.dropLast()).datasets[components.last ?? ""] = tensor
  }

  /// Creates the (empty) group at `path` and the groups on the way.
  mutating func addGroup(at path: String) {
    _ = group(at: path.split(separator: "/").map(String.init)[...])
  }

  /// The group at `components`, created with the groups on the way when missing.
  private func group(at components: ArraySlice<String>) -> Group {
    var group = root
    for component in components {
      if let existing = group.groups[component] {
        group = existing
      } else {
        let created = Group()
        group.groups[component] = created
        group = created
      }
    }
    return group
  }

  // MARK: Encoding

  /// The B-tree's K for group nodes (HDF5's default): a node holds up to 2K children.
  private static let internalK = 16
  private static let undefined = UInt64.max
  private static let superblockSize = 96

  /// The file's bytes.
  func bytes() -> [UInt8] {
    // A symbol-table node holds 2 · leafK entries; one node per group is enough with leafK
    // at least half the largest group.
    var largest = 1
    func measure(_ group: Group) {
      largest = max(largest, group.memberCount)
      group.groups.values.forEach(measure)
    }
    measure(root)
    let leafK = max(4, (largest + 1) / 2)
    var output = [UInt8](repeating: 0, count: Self.superblockSize)
    let rootAddresses = write(root, leafK: leafK, into: &output)
    var superblock: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    superblock += [0, 0, 0, 0, 0, 8, 8, 0]  // versions, offset and length sizes
    superblock += Self.little(UInt64(leafK), 2) + Self.little(UInt64(Self.internalK), 2)
    superblock += Self.little(0, 4)  // file consistency flags
    superblock += Self.little(0, 8)  // base address
    superblock += Self.little(Self.undefined, 8)  // free-space information
    superblock += Self.little(UInt64(output.count), 8)  // end of file
    superblock += Self.little(Self.undefined, 8)  // driver information
    superblock += symbolTableEntry(
      nameOffset: 0, header: rootAddresses.header,
      cache: (rootAddresses.tree, rootAddresses.heap))
    output.replaceSubrange(0..<Self.superblockSize, with: superblock)
    return output
  }

  private static func little(_ value: UInt64, _ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
  }

  private static func align(_ output: inout [UInt8]) {
    while output.count % 8 != 0 { output.append(0) }
  }

  /// A symbol-table entry: the member's name in the heap, its object header, and for a group
  /// the addresses of its B-tree and heap (cache type 1).
  private func symbolTableEntry(
    nameOffset: Int, header: Int, cache: (tree: Int, heap: Int)?
  ) -> [UInt8] {
    var entry = Self.little(UInt64(nameOffset), 8) + Self.little(UInt64(header), 8)
    entry += Self.little(cache == nil ? 0 : 1, 4) + Self.little(0, 4)
    if let cache {
      entry += Self.little(UInt64(cache.tree), 8) + Self.little(UInt64(cache.heap), 8)
    } else {
      entry += [UInt8](repeating: 0, count: 16)
    }
    return entry
  }

  /// A version-1 object header holding `messages` (type, flags, data).
  private static func objectHeader(_ messages: [(type: Int, flags: UInt8, data: [UInt8])])
    -> [UInt8]
  {
    var body: [UInt8] = []
    for message in messages {
      var data = message.data
      while data.count % 8 != 0 { data.append(0) }
      body += little(UInt64(message.type), 2) + little(UInt64(data.count), 2)
      body += [message.flags, 0, 0, 0] + data
    }
    var header: [UInt8] = [1, 0] + little(UInt64(messages.count), 2) + little(1, 4)
    header += little(UInt64(body.count), 4) + little(0, 4)
    return header + body
  }

  /// Writes a group's members, then the group itself; returns its header, tree and heap
  /// addresses.
  private func write(_ group: Group, leafK: Int, into output: inout [UInt8]) -> (
    header: Int, tree: Int, heap: Int
  ) {
    var members: [(name: String, header: Int, cache: (tree: Int, heap: Int)?)] = []
    for (name, child) in group.groups {
      let addresses = write(child, leafK: leafK, into: &output)
      members.append((name, addresses.header, (addresses.tree, addresses.heap)))
    }
    for (name, tensor) in group.datasets {
      members.append((name, write(tensor, into: &output), nil))
    }
    members.sort { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }

    // The local heap's data: the empty name at 0, then each name, NUL-terminated, in 8s.
    var heapData = [UInt8](repeating: 0, count: 8)
    var nameOffsets: [Int] = []
    for member in members {
      nameOffsets.append(heapData.count)
      heapData += Array(member.name.utf8) + [0]
      while heapData.count % 8 != 0 { heapData.append(0) }
    }
    Self.align(&output)
    let heapDataAddress = output.count
    output += heapData
    let heapAddress = output.count
    output += Array("HEAP".utf8) + [0, 0, 0, 0]
    // No free block: the library's "end of free list" marker is 1, not the undefined address.
    output += Self.little(UInt64(heapData.count), 8) + Self.little(1, 8)
    output += Self.little(UInt64(heapDataAddress), 8)

    var nodeAddress = 0
    if !members.isEmpty {
      nodeAddress = output.count
      output += Array("SNOD".utf8) + [1, 0] + Self.little(UInt64(members.count), 2)
      for (member, offset) in zip(members, nameOffsets) {
        output += symbolTableEntry(nameOffset: offset, header: member.header, cache: member.cache)
      }
      output += [UInt8](repeating: 0, count: (2 * leafK - members.count) * 40)
    }
    let treeAddress = output.count
    output += Array("TREE".utf8) + [0, 0] + Self.little(members.isEmpty ? 0 : 1, 2)
    output += Self.little(Self.undefined, 8) + Self.little(Self.undefined, 8)
    var keysAndChildren = Self.little(0, 8)  // key 0: the empty name
    if !members.isEmpty {
      keysAndChildren += Self.little(UInt64(nodeAddress), 8)
      keysAndChildren += Self.little(UInt64(nameOffsets.last ?? 0), 8)  // the last name
    }
    let nodeSize = 2 * Self.internalK * 8 + (2 * Self.internalK + 1) * 8
    output += keysAndChildren + [UInt8](repeating: 0, count: nodeSize - keysAndChildren.count)

    let headerAddress = output.count
    output += Self.objectHeader([
      (0x11, 0, Self.little(UInt64(treeAddress), 8) + Self.little(UInt64(heapAddress), 8))
    ])
    return (headerAddress, treeAddress, heapAddress)
  }

  /// Writes a float32 dataset's values and object header; returns the header's address.
  private func write(_ tensor: Tensor, into output: inout [UInt8]) -> Int {
    Self.align(&output)
    let dataAddress = output.count
    for scalar in tensor.scalars { output += Self.little(UInt64(scalar.bitPattern), 4) }
    let dataSize = output.count - dataAddress
    Self.align(&output)
    var dataspace: [UInt8] = [1, UInt8(tensor.rank), 0, 0, 0, 0, 0, 0]
    for size in tensor.shape { dataspace += Self.little(UInt64(size), 8) }
    // IEEE float32, little-endian: class 1 version 1; mantissa normalised (bits 4-5 = 2),
    // sign at bit 31; bit offset 0, precision 32, exponent at 23 of 8 bits, mantissa at 0 of
    // 23 bits, bias 127.
    let datatype: [UInt8] =
      [0x11, 0x20, 31, 0] + Self.little(4, 4) + Self.little(0, 2) + Self.little(32, 2)
      + [23, 8, 0, 23] + Self.little(127, 4)
    // Fill value version 2: late allocation, fill when set, no fill value defined.
    let fillValue: [UInt8] = [2, 2, 2, 0]
    let layout: [UInt8] =
      [3, 1] + Self.little(UInt64(dataAddress), 8) + Self.little(UInt64(dataSize), 8)
    let headerAddress = output.count
    output += Self.objectHeader([
      (0x01, 0, dataspace), (0x03, 1, datatype), (0x05, 1, fillValue), (0x08, 0, layout),
    ])
    return headerAddress
  }
}
