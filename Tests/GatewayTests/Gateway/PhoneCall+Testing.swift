import Logging
import NIOCore
import NIOEmbedded
import SDP
@testable import Gateway

extension PhoneCall {
    /// What a phone at 127.0.0.1 offering only `codec` negotiates with us.
    static func negotiatedForTests(_ serial: Int, codec: PhoneCodec) throws -> PhoneMedia {
        let (payloadType, rtpmap) = switch codec {
        case .g722: (9, "G722/8000")
        case .opus: (111, "opus/48000/2")
        default: (0, "PCMU/8000")
        }
        let offer = ["v=0", "o=t 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
                     "m=audio \(40_000 + 2 * serial) RTP/AVP \(payloadType)", "a=rtpmap:\(payloadType) \(rtpmap)", "a=sendrecv", ""]
            .joined(separator: "\r\n")
        return try PhoneNegotiation.answer(offer: offer, localAddress: "127.0.0.1", localPort: UInt16(30_000 + 2 * serial),
                                           preferences: [codec], sessionID: 1, sessionVersion: 1).media
    }

    /// A call in the room on `codec` from 127.0.0.1, its media negotiated
    /// and its RTP going to an embedded channel on `loop` (no sockets, no SIP).
    static func inRoomForTests(_ serial: Int, codec: PhoneCodec, loop: EmbeddedEventLoop) throws -> (PhoneCall, EmbeddedChannel) {
        var logger = Logger(label: "bridge-test")
        logger.logLevel = .critical
        let call = try PhoneCall(sipID: SIPCallID(serial: UInt64(serial), callID: "bridge-\(serial)"), displayName: "Caller \(serial)",
                                 signalingHost: "127.0.0.1", machine: PhoneCallDriver.inRoom().machine, logger: logger)
        try call.apply(negotiatedForTests(serial, codec: codec))
        let channel = EmbeddedChannel(loop: loop)
        call.channel = channel
        return (call, channel)
    }
}
