/// Decides, frame by frame, whether a phone caller's voice is worth an Opus
/// encode for the room (the gateway's own discontinuous encoding).
///
/// The room's Opus encode is most of what a call costs the gateway, and in a
/// real meeting most callers are quiet most of the time. After `hangover`
/// quiet frames (a pause between words is not silence), a quiet caller's
/// frames are not encoded: each is sent as the same packet, the room
/// encoder's frame of digital silence, made once (`PhoneCall.silencePayload`).
///
/// Packets keep coming every 20 ms, so a receiver's jitter buffer never sees
/// a gap. Real DTX (a 1-byte packet every 400 ms, RFC 7587 §3.1.3, which
/// this sent at first) makes Chromium's NetEq restart its playout when
/// speech comes back; the onset moves, and PESQ of the benchmark's speech
/// fell to 3.69-3.70 from 3.90 with no gate. With the silence packet: 3.98.
struct SilenceGate {
    /// What to send for one 20 ms frame.
    enum Decision: Equatable {
        /// Encode the frame.
        case encode
        /// Send the silence packet instead.
        case silence
    }

    /// Frames quieter than this (−dBov, RFC 6464's scale: 127 is silence) are quiet.
    var quietLevel: UInt8 = 55
    /// Quiet frames still encoded after the last loud one (1 s): pauses
    /// within speech stay real, with their breath and room tone.
    var hangover = 50

    private var quietFrames = 0

    /// The decision for a frame at `level` (−dBov of the cleaned input).
    mutating func decide(level: UInt8) -> Decision {
        if level < quietLevel {
            quietFrames = 0
            return .encode
        }
        quietFrames += 1
        return quietFrames <= hangover ? .encode : .silence
    }

    /// Frames went by with nothing to send (muted, or the phone itself
    /// paused): quiet stays gated.
    mutating func interrupted() {
        quietFrames = max(quietFrames, hangover + 1)
    }

    /// Sent while quiet if the encoder could not make the silence packet:
    /// TOC config 1 (SILK-only, narrowband, 20 ms), mono, one frame (RFC
    /// 6716 §3.1), no frame data, which a decoder takes as DTX.
    static let emptyFrame: [UInt8] = [0x08]
}
