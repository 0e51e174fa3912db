/// What producers and consumers need from the transport that carries them:
/// a browser's `WebRTCTransport` (ICE, DTLS, SRTP on the media port) or an
/// in-process `LocalTransport` (the phone gateway, the recorder). Routing
/// code sees only this, so every kind of participant is forwarded alike.
protocol MediaTransport: AnyObject {
    var id: String { get }
    /// Media can be sent now (a browser's transport is connected).
    var canSendMedia: Bool { get }
    /// Header extension ids the publisher uses, for the consumers' id maps.
    var extensionIDs: PublishExtensionIDs { get }
    /// Sends a copy of an RTP packet after `rewrite` changed it in place.
    /// `rewrite` sees the copy's header (`payloadOffset` bytes) and at least
    /// `rewritablePayloadLength` bytes of payload, maybe no more: a transport
    /// may encrypt the rest straight from `bytes` instead of copying it.
    func sendRTP(copying bytes: UnsafeRawBufferPointer, payloadOffset: Int, rewrite: (UnsafeMutableRawBufferPointer) -> Void)
    /// Sends one compound RTCP packet (sender reports passed on).
    func sendRTCP(_ compound: [UInt8])
    /// Asks this transport's publisher for a keyframe (RFC 4585 §6.3.1).
    func sendPictureLossIndication(mediaSSRC: UInt32)
    /// A consumer on this transport stopped (its producer went away).
    func consumerClosed(_ consumer: Consumer)
}

extension MediaTransport {
    /// How much of a forwarded packet's payload `rewrite` may change: a VP8
    /// payload descriptor takes at most 6 bytes (RFC 7741 §4.2); 16, one AES
    /// block, keeps the rest of the payload block-aligned for the cipher.
    static var rewritablePayloadLength: Int { 16 }
}

extension WebRTCTransport: MediaTransport {}
