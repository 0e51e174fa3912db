import NIOCore
import RTP
import SFU
import Synchronization

/// What the room's subscribers lose of a caller's voice: the receiver
/// reports the media loop sends the call's local transport once a second
/// (the worst loss any listener reported, `LocalTransport.reportDownstreamLoss`),
/// kept here for the gateway loop, which steers the caller's Opus encoder
/// by it (`PhoneCall.steerFEC`). Written on the media loop, read on the
/// gateway loop: an atomic, touched once a second.
final class DownstreamLoss: Sendable {
    /// Percent lost, 0-100; 0 until a report came.
    private let percent = Atomic<Int>(0)

    /// The sink for the call's local transport: keeps the receiver reports, ignores the rest.
    var sink: LocalMediaSink {
        { [self] packet in
            guard packet.isRTCP,
                  let report = packet.bytes.withUnsafeReadableBytes({ try? ReceiverReport(parsing: $0) }),
                  let block = report.reportBlocks.first else { return }
            percent.store((Int(block.fractionLost) * 100 + 255) / 256, ordering: .relaxed)
        }
    }

    /// The worst listener's loss, in percent.
    var latest: Int { percent.load(ordering: .relaxed) }
}
