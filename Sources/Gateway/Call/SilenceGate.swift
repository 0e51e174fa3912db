/// Decides, frame by frame, whether a phone caller's voice is worth an Opus
/// encode for the room (the gateway's own discontinuous transmission).
///
/// The room's Opus encode is most of what a call costs the gateway, and in a
/// real meeting most callers are quiet most of the time. After `hangover`
/// quiet frames (a pause between words is not silence), a quiet caller's frames are not
/// encoded; every `keepAliveFrames` one 1-byte Opus packet (a TOC with an
/// empty frame, which RFC 6716 §3.2.1 lets a decoder treat as DTX) tells
/// receivers the stream lives on, as libopus's own DTX does every 400 ms. RTP
/// timestamps go on advancing and sequence numbers do not skip, which is what
/// a receiver's jitter buffer reads as DTX (RFC 7587 §3.1.3). The first
/// frame of speech after it carries the RTP marker (RFC 3551 §4.1).
struct SilenceGate {
    /// What to send for one 20 ms frame.
    enum Decision: Equatable {
        /// Encode and send the frame; `marker`: it starts a talk spurt.
        case encode(marker: Bool)
        /// Send a 1-byte DTX packet instead.
        case keepAlive
        /// Send nothing.
        case skip
    }

    /// Frames quieter than this (−dBov, RFC 6464's scale: 127 is silence) are quiet.
    var quietLevel: UInt8 = 55
    /// Quiet frames still encoded after the last loud one (1 s). Pauses
    /// within speech stay encoded: a browser's jitter buffer restarts its
    /// playout after DTX, which shifts the next words by tens of ms
    /// (PESQ of the benchmark's sentences fell from 3.69 to 2.81-3.00 with
    /// a 300 ms hangover: 13 pauses gated, playout 120-160 ms shorter).
    var hangover = 50
    /// Frames between keep-alive packets while quiet (400 ms).
    var keepAliveFrames = 20

    private var quietFrames = 0
    private var gated = false

    /// The decision for a frame at `level` (−dBov of the cleaned input).
    mutating func decide(level: UInt8) -> Decision {
        if level < quietLevel {
            quietFrames = 0
            defer { gated = false }
            return .encode(marker: gated)
        }
        quietFrames += 1
        if quietFrames <= hangover { return .encode(marker: false) }
        gated = true
        return (quietFrames - hangover - 1) % keepAliveFrames == 0 ? .keepAlive : .skip
    }

    /// Frames went by with nothing to send (muted, or the phone itself
    /// paused): the next speech starts a talk spurt, and quiet stays gated.
    mutating func interrupted() {
        gated = true
        quietFrames = max(quietFrames, hangover + 1)
    }

    /// The one-byte Opus packet sent while quiet: TOC config 1 (SILK-only,
    /// narrowband, 20 ms), mono, one frame (RFC 6716 §3.1), and no frame data.
    static let keepAlivePayload: [UInt8] = [0x08]
}
