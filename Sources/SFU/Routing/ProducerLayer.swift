import NIOCore

/// One RTP stream of a producer: the only stream of an audio track or a
/// single-layer video, or one simulcast layer (identified by its RID,
/// RFC 8851/8853) of a camera.
final class ProducerLayer {
    /// Index in the producer's layers, 0 = lowest quality.
    let index: Int
    let rid: String?
    var ssrc: UInt32?
    var rtxSSRC: UInt32?
    var cache = PacketCache()
    var statistics = ReceiveStatistics()
    var lossRecovery = LossRecovery()
    var lastPacketAt: NIODeadline?
    var lastKeyframeAt: NIODeadline?
    var lastKeyframeRequestAt: NIODeadline?
    /// Picture size from the last VP8 keyframe (RFC 6386 §9.1), 0 if unknown.
    var width = 0, height = 0
    /// Bitrate over the last measuring window, bits per second.
    private(set) var bitrate = 0
    private var windowBytes = 0
    private var windowStart: NIODeadline?

    init(index: Int, rid: String?, ssrc: UInt32?, rtxSSRC: UInt32?) {
        self.index = index
        self.rid = rid
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
    }

    /// A layer that sent nothing for a second is treated as off (the browser
    /// stops upper layers when its bandwidth or CPU drops).
    func isActive(now: NIODeadline) -> Bool {
        guard let last = lastPacketAt else { return false }
        return now - last < .seconds(1)
    }

    func countBytes(_ n: Int, now: NIODeadline) {
        if windowStart == nil { windowStart = now }
        windowBytes += n
        let elapsed = now - windowStart!
        if elapsed >= .milliseconds(500) {
            bitrate = Int(Int64(windowBytes) * 8 * 1_000_000_000 / max(1, elapsed.nanoseconds))
            windowBytes = 0
            windowStart = now
            cache.expire(now: now)  // every half second, with the bitrate
        }
    }
}
