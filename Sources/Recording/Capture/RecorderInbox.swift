import Dispatch
import SFU
import Synchronization

/// Packets the media loop hands to a recorder, stamped with their arrival.
final class RecorderInbox: Sendable {
    private let origin = DispatchTime.now()
    private let waiting = Mutex<[(packet: LocalMediaPacket, at: Double)]>([])

    /// Seconds since the recording started.
    var now: Double { Double(DispatchTime.now().uptimeNanoseconds - origin.uptimeNanoseconds) / 1e9 }

    /// Queues a packet; true when the queue was empty (the recorder needs waking).
    func append(_ packet: LocalMediaPacket) -> Bool {
        let at = now
        return waiting.withLock { waiting in
            waiting.append((packet, at))
            return waiting.count == 1
        }
    }

    /// Everything queued, oldest first.
    func takeAll() -> [(packet: LocalMediaPacket, at: Double)] {
        waiting.withLock { waiting in
            defer { waiting.removeAll(keepingCapacity: true) }
            return waiting
        }
    }
}
