import Foundation

/// Writes `data` to `url` so that the destination only ever holds the old contents or the new
/// ones: the bytes go to a temporary file in the same folder, are flushed to disk, and the
/// temporary is renamed over the destination. A failure removes the temporary, never destroys
/// the previous file, and throws a ``StrataError`` naming the destination and the system's
/// reason.
///
/// The temporary is `.<name>.strata-<process id>-<UUID>.tmp`. A process killed while writing
/// cannot remove its own, so each write first removes the temporaries of the same destination
/// whose process no longer runs (and those of the older `.<name>.<UUID>.tmp` form that are more
/// than an hour old).
func writeAtomically(_ data: Data, to url: URL) throws {
  let folder = url.deletingLastPathComponent()
  let name = url.lastPathComponent
  removeStaleTemporaries(of: name, in: folder)
  let pid = getpid()
  let temporary = folder.appendingPathComponent(".\(name).strata-\(pid)-\(UUID().uuidString).tmp")
  func failure(_ action: String, _ code: Int32) -> StrataError {
    StrataError(
      .fileFormat,
      "\(url.path): cannot be written (\(action) the temporary file \(temporary.lastPathComponent) in the same folder failed: \(String(cString: strerror(code))))"
    )
  }
  let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
  guard descriptor >= 0 else { throw failure("creating", errno) }
  var closed = false
  defer {
    if !closed { close(descriptor) }
  }
  do {
    try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
      var offset = 0
      while offset < bytes.count {
        let written = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw failure("writing", errno)
        }
        offset += written
      }
    }
    guard fsync(descriptor) == 0 else { throw failure("flushing", errno) }
    closed = true
    guard close(descriptor) == 0 else { throw failure("closing", errno) }
    guard rename(temporary.path, url.path) == 0 else {
      let code = errno
      throw StrataError(
        .fileFormat,
        "\(url.path): cannot be replaced (renaming the temporary file \(temporary.lastPathComponent) over it failed: \(String(cString: strerror(code))))"
      )
    }
  } catch {
    unlink(temporary.path)
    throw error
  }
}

/// Removes the temporaries left by `writeAtomically` for destination `name` in `folder` by
/// processes that no longer run. Best effort: a folder that cannot be listed is left alone.
func removeStaleTemporaries(of name: String, in folder: URL) {
  guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
    return
  }
  let prefix = ".\(name)."
  for entry in entries where entry.hasPrefix(prefix) && entry.hasSuffix(".tmp") {
    let middle = entry.dropFirst(prefix.count).dropLast(4)
    let path = folder.appendingPathComponent(entry).path
    if middle.hasPrefix("strata-") {
      // strata-<pid>-<UUID>
      let fields = middle.dropFirst(7).split(separator: "-", maxSplits: 1)
      guard fields.count == 2, let pid = Int32(fields[0]), pid > 0,
        UUID(uuidString: String(fields[1])) != nil
      else { continue }
      let running = kill(pid, 0) == 0 || errno == EPERM
      if !running { unlink(path) }
    } else if UUID(uuidString: String(middle)) != nil {
      let attributes = try? FileManager.default.attributesOfItem(atPath: path)
      if let modified = attributes?[.modificationDate] as? Date,
        modified.timeIntervalSinceNow < -3600
      {
        unlink(path)
      }
    }
  }
}
