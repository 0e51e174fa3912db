import Foundation
import Synchronization

/// The highest nonce count accepted for each live nonce, so a digest answer
/// is good once (RFC 7616 §3.4.5). Shared by every copy of a
/// `DigestChallenger` (they share its key), bounded by `capacity`: past it,
/// expired nonces go first, then those that expire soonest.
final class NonceCounts: Sendable {
    private struct Entry {
        var count: UInt64
        var expires: TimeInterval
    }

    private let table = Mutex<[String: Entry]>([:])
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Records `count` for `nonce` if it is higher than any seen before;
    /// false for a replay.
    func accept(nonce: String, count: UInt64, expires: TimeInterval, now: TimeInterval) -> Bool {
        table.withLock { table in
            if let seen = table[nonce], seen.count >= count { return false }
            if table[nonce] == nil, table.count >= capacity {
                table = table.filter { $0.value.expires > now }
                if table.count >= capacity {
                    let keep = table.sorted { $0.value.expires > $1.value.expires }.prefix(capacity / 2)
                    table = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
                }
            }
            table[nonce] = Entry(count: count, expires: expires)
            return true
        }
    }

    var count: Int { table.withLock { $0.count } }
}
