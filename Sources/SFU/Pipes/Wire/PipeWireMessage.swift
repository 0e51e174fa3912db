import RTP

/// A pipe message as it crosses between two nodes (`PipeMessage` on the
/// loops' side). Decoding yields the RTP packet as a range of the datagram,
/// so the receiving loop slices its buffer instead of copying.
public enum PipeWireMessage: Equatable, Sendable {
    /// One RTP packet of `layer` at `packet` in the decoded bytes; `extendedSequence`
    /// is the origin's unwrapped sequence number (RFC 3550 §A.1).
    case rtp(routerID: String, producerID: String, layer: UInt8, extendedSequence: Int64, packet: Range<Int>)
    /// The publisher's sender report for `layer` (RFC 3550 §6.4.1).
    case senderReport(routerID: String, producerID: String, layer: UInt8, report: SenderReport)
    /// Toward the origin: subscribers behind the pipe need a keyframe of `layer`.
    case keyframeRequest(routerID: String, producerID: String, layer: UInt8)
    /// Toward the origin: resend these packets of `layer`, by the origin's
    /// extended sequence numbers (the link between nodes lost them; RFC 4585 §6.2.1).
    case retransmissionRequest(routerID: String, producerID: String, layer: UInt8, extendedSequences: [Int64])
    /// The producer closed at its origin.
    case producerClosed(routerID: String, producerID: String)
    /// Toward the origin: the far side dropped its idle copy; stop piping it.
    case unpipe(routerID: String, producerID: String)

    /// The message's type byte on the wire.
    var typeByte: UInt8 {
        switch self {
        case .rtp: 1
        case .senderReport: 2
        case .keyframeRequest: 3
        case .retransmissionRequest: 4
        case .producerClosed: 5
        case .unpipe: 6
        }
    }
}
