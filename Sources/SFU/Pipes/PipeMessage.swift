import NIOCore
import RTP
import SDP

/// What crosses a pipe between two routers of one room: from the loop (or,
/// later, the node) where a producer's publisher is to one where some of its
/// subscribers are, and keyframe requests back. Between loops the messages
/// cross as they are (`LoopPipeLink`); between nodes they are written to
/// SRTP-protected datagrams (`NodePipeLink`, `PipeWireWriter`).
///
/// A pipe carries every simulcast layer untouched (the publisher's SSRCs and
/// sequence numbers, with the origin's extended sequence number beside each
/// packet), so each side chooses layers, answers NACKs from its own cache
/// and rewrites for its own subscribers: the packet crosses once, whatever
/// the number of subscribers behind the pipe (mediasoup's `pipeToRouter`).
/// Every case names the room and the producer, so the same messages can be
/// framed onto a network link between nodes.
enum PipeMessage: Sendable {
    /// One decrypted RTP packet of `layer`; `extendedSequence` is the origin's
    /// unwrapped sequence number (RFC 3550 §A.1).
    case rtp(routerID: String, producerID: String, layer: Int, extendedSequence: Int64, packet: ByteBuffer)
    /// The publisher's sender report for `layer`, for the far side to
    /// translate for its subscribers (RFC 3550 §7.2).
    case senderReport(routerID: String, producerID: String, layer: Int, report: SenderReport)
    /// Toward the origin: a subscriber behind the pipe needs a keyframe of
    /// `layer` (RFC 4585 §6.3.1); the far side has already throttled it.
    case keyframeRequest(routerID: String, producerID: String, layer: Int)
    /// The producer closed at its origin: close its copy and its consumers.
    case producerClosed(routerID: String, producerID: String)
    /// Toward the origin: packets of `layer` the link between two nodes lost,
    /// by the origin's extended sequence numbers; resend them down that pipe
    /// (the origin's cache has them, as for a subscriber's NACK: RFC 4585 §6.2.1).
    case retransmissionRequest(routerID: String, producerID: String, layer: Int, extendedSequences: [Int64], from: PipeDestination)
    /// Toward the origin: the copy at `from` has had no subscriber for a
    /// while and is gone; stop piping there (a later subscriber pipes again).
    case unpipe(routerID: String, producerID: String, from: PipeDestination)
}

/// What the far side of a pipe needs to make a copy of a producer that
/// its subscribers can consume like any other.
struct PipedProducer: Sendable {
    var id: String
    var source: MediaSource
    /// Codec, mid, and the layers: its rids lowest first (none: one layer, with its SSRC).
    var track: PublishedTrack
    /// Header extension ids the publisher writes (audio level for speaker
    /// detection, and the ids consumers map to their subscribers').
    var extensionIDs: PublishExtensionIDs
    var paused: Bool
}
