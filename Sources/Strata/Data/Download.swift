import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Fetches `url` into memory, printing Keras's `get_file` display: `Downloading data from
/// URL`, then a progress bar over the bytes (`26421880/26421880 ━━━━━━━━━━━━━━━━━━━━ 2s
/// 0us/step`), redrawn in place on a terminal and printed once otherwise.
func downloadData(from url: URL, timeout: TimeInterval = 30) throws -> Data {
  writeToStandardOutput("Downloading data from \(url.absoluteString)\n")
  let receiver = DownloadReceiver(isTerminal: standardOutputIsTerminal)
  let configuration = URLSessionConfiguration.ephemeral
  configuration.timeoutIntervalForRequest = timeout
  let session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: nil)
  defer { session.finishTasksAndInvalidate() }
  session.dataTask(with: url).resume()
  receiver.finished.wait()
  if let error = receiver.error {
    if let error = error as? StrataError { throw error }
    throw StrataError(.fileFormat, "\(url.absoluteString): \(describe(error))")
  }
  if let status = receiver.status, status != 200 {
    throw StrataError(.fileFormat, "\(url.absoluteString): HTTP status \(status)")
  }
  receiver.finishProgress()
  return receiver.data
}

/// Collects a response's bytes and draws the progress bar as they arrive.
///
/// `@unchecked Sendable` is safe here: URLSession calls the delegate methods one at a time on
/// its own serial delegate queue, which alone writes the state, and `downloadData` reads it
/// only after `finished` is signalled by the last of those calls (the semaphore orders the
/// accesses).
private final class DownloadReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  let finished = DispatchSemaphore(value: 0)
  private(set) var data = Data()
  private(set) var status: Int?
  private(set) var error: Error?
  private let isTerminal: Bool
  private var progress: ProgressBar?

  init(isTerminal: Bool) {
    self.isTerminal = isTerminal
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
  ) {
    status = (response as? HTTPURLResponse)?.statusCode
    let expected = response.expectedContentLength
    if expected > 0 {
      data.reserveCapacity(Int(expected))
      progress = ProgressBar(
        target: Int(expected), verbosity: .progressBar, isTerminal: isTerminal,
        write: writeToStandardOutput)
    }
    completionHandler(.allow)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    self.data.append(data)
    progress?.update(self.data.count, values: [])
  }

  func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
    self.error = error
    finished.signal()
  }

  /// Draws the final line, with the byte count that arrived.
  func finishProgress() {
    progress?.update(data.count, values: [], final: true)
  }
}
