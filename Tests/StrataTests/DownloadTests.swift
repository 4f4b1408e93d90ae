import Foundation
import Testing

@testable import Strata

#if canImport(Glibc)
  import Glibc
  private let streamSocket = Int32(SOCK_STREAM.rawValue)
#else
  import Darwin
  private let streamSocket = SOCK_STREAM
#endif

/// An HTTP server on 127.0.0.1 (one connection at a time) that serves `files` by path and
/// answers 404 to anything else: the download path runs for real, with no network.
///
/// `@unchecked Sendable` is safe: the serving thread reads only `listener` and `files`, which
/// are constants set before it starts; `stopped` is touched only by the thread that calls
/// `stop()`.
final class LocalHTTPServer: @unchecked Sendable {
  private(set) var port: UInt16 = 0
  private let listener: Int32
  private let files: [String: [UInt8]]

  init(files: [String: [UInt8]]) throws {
    self.files = files
    listener = socket(AF_INET, streamSocket, 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
        bind(listener, socketAddress, length) == 0 && listen(listener, 8) == 0
          && getsockname(listener, socketAddress, &length) == 0
      }
    }
    guard listener >= 0, bound else { throw StrataError(.fileFormat, "test server: no socket") }
    port = UInt16(bigEndian: address.sin_port)
    Thread.detachNewThread { [self] in serve() }
  }

  /// The URL of a path on this server.
  func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

  private var stopped = false

  /// Closes the listening socket (once, however often it is called).
  func stop() {
    guard !stopped else { return }
    stopped = true
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
  }

  private func serve() {
    while true {
      let client = accept(listener, nil, nil)
      guard client >= 0 else { return }
      var request: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 4096)
      while !request.containsHeaderEnd {
        let count = read(client, &buffer, buffer.count)
        guard count > 0 else { break }
        request += buffer[..<count]
      }
      let requestLine = String(decoding: request.prefix { $0 != 13 }, as: UTF8.self)
      let parts = requestLine.split(separator: " ")
      let path = parts.count > 1 ? String(parts[1].dropFirst()) : ""
      var response: [UInt8]
      if let body = files[path] {
        response = Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n".utf8)
        response += Array("Connection: close\r\n\r\n".utf8) + body
      } else {
        response = Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n".utf8)
        response += Array("Connection: close\r\n\r\n".utf8)
      }
      var sent = 0
      while sent < response.count {
        let count = response[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        guard count > 0 else { break }
        sent += count
      }
      close(client)
    }
  }
}

extension [UInt8] {
  fileprivate var containsHeaderEnd: Bool {
    count >= 4
      && (0...(count - 4)).contains { self[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }
  }
}

/// The four gzip files of a small MNIST-shaped set, by name.
private func tinyMNISTFiles() throws -> [String: [UInt8]] {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  try writeTinyMNIST(to: folder, count: 4)
  var files: [String: [UInt8]] = [:]
  for name in MNIST.source.files {
    files[name] = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
  }
  return files
}

/// A source named "tiny" that downloads `files` from `server`, expecting the given digests
/// (by default the files' own).
private func tinySource(
  on server: LocalHTTPServer, files: [String: [UInt8]], sha256: [String: String]? = nil
) -> DatasetSource {
  DatasetSource(
    name: "tiny", files: MNIST.source.files, systemDirectory: nil, downloadBase: server.url(""),
    sha256: sha256 ?? files.mapValues { SHA256.hexDigest(of: $0) })
}

@Test func downloadFetchesChecksAndSavesEveryFile() throws {
  let files = try tinyMNISTFiles()
  let server = try LocalHTTPServer(files: files)
  defer { server.stop() }
  let source = tinySource(on: server, files: files)
  let target = try temporaryFolder().appendingPathComponent("tiny")
  defer { try? FileManager.default.removeItem(at: target.deletingLastPathComponent()) }
  try source.download(into: target)
  for (name, bytes) in files {
    #expect([UInt8](try Data(contentsOf: target.appendingPathComponent(name))) == bytes)
  }
  let data = try MNIST.load(directory: target)
  #expect(data.trainImages.shape == [4, 784])
  // Nothing but the four files is left behind (no temporary files).
  let names = try FileManager.default.contentsOfDirectory(atPath: target.path).sorted()
  #expect(names == MNIST.source.files.sorted())
}

@Test func downloadWithTheWrongChecksumWritesNothing() throws {
  let files = try tinyMNISTFiles()
  let server = try LocalHTTPServer(files: files)
  defer { server.stop() }
  var digests = files.mapValues { SHA256.hexDigest(of: $0) }
  let lastFile = MNIST.source.files.last!
  digests[lastFile] = String(repeating: "0", count: 64)
  let source = tinySource(on: server, files: files, sha256: digests)
  let target = try temporaryFolder().appendingPathComponent("tiny")
  defer { try? FileManager.default.removeItem(at: target.deletingLastPathComponent()) }
  expectStrataError(
    .fileFormat,
    containing:
      "\(server.url(lastFile)): SHA-256 \(SHA256.hexDigest(of: files[lastFile]!)), expected 0000"
  ) {
    try source.download(into: target)
  }
  // The three good files were not written either: a set is saved whole or not at all.
  #expect(!FileManager.default.fileExists(atPath: target.path))
}

@Test func downloadReportsAMissingFile() throws {
  let server = try LocalHTTPServer(files: [:])
  defer { server.stop() }
  let source = DatasetSource(
    name: "tiny", files: ["absent.gz"], systemDirectory: nil, downloadBase: server.url(""),
    sha256: [:])
  let target = try temporaryFolder().appendingPathComponent("tiny")
  defer { try? FileManager.default.removeItem(at: target.deletingLastPathComponent()) }
  expectStrataError(.fileFormat, containing: "\(server.url("absent.gz")): HTTP status 404") {
    try source.download(into: target)
  }
}

@Test func loadingDownloadsIntoTheHomeFolderOnlyWhenNothingLocalIsFound() throws {
  let files = try tinyMNISTFiles()
  let server = try LocalHTTPServer(files: files)
  defer { server.stop() }
  let source = tinySource(on: server, files: files)
  let home = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: home) }
  let environment = ["HOME": home.path]
  let cache = home.appendingPathComponent(".strata/datasets/tiny")
  // Nothing local: the files are fetched into ~/.strata/datasets/tiny.
  #expect(
    try source.locate(explicit: nil, allowDownload: true, environment: environment).path
      == cache.path)
  #expect(
    try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted()
      == MNIST.source.files.sorted())
  // Found there the next time, with the server gone.
  server.stop()
  #expect(
    try source.locate(explicit: nil, allowDownload: true, environment: environment).path
      == cache.path)
  // $STRATA_DATASETS comes before ~/.strata/datasets.
  let shared = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: shared) }
  try FileManager.default.createDirectory(
    at: shared.appendingPathComponent("tiny"), withIntermediateDirectories: true)
  try writeTinyMNIST(to: shared.appendingPathComponent("tiny"))
  let both = ["HOME": home.path, "STRATA_DATASETS": shared.path]
  #expect(
    try source.locate(explicit: nil, allowDownload: true, environment: both).path
      == shared.appendingPathComponent("tiny").path)
}
