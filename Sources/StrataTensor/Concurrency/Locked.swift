import Foundation

/// A value that is read and changed only while holding a lock: the one place Strata keeps
/// mutable state that several threads can reach (the compute-thread count, the registry of
/// loadable types, a gradient tape's nodes).
///
/// ```swift
/// let counter = Locked(0)
/// counter.withLock { $0 += 1 }
/// ```
package final class Locked<Value>: @unchecked Sendable {
  // Safe to share: `value` is only touched inside `withLock`, which holds `lock`.
  private let lock = NSLock()
  private var value: Value

  /// Wraps `value`.
  package init(_ value: Value) {
    self.value = value
  }

  /// Runs `body` with exclusive access to the value and returns its result.
  package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }

  /// A copy of the current value.
  package var current: Value { withLock { $0 } }
}
