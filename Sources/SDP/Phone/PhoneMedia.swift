/// What an offer/answer exchange with a phone settled for its audio stream:
/// enough to open the RTP (or SRTP) socket, pick the encoder and decoder, and
/// know whether the phone is on hold.
public struct PhoneMedia: Sendable, Equatable {
    /// The index of the audio m-line in the offer (and in the answer).
    public var mediaIndex: Int
    /// The codec.
    public var codec: PhoneCodec
    /// The phone's parameters for the codec: payload type Parley sends with,
    /// name as written, clock rate, channels, and the phone's fmtp (for Opus,
    /// what the phone wants to receive, RFC 7587 §6.1).
    public var parameters: RTPCodecParameters
    /// The payload type Parley receives the codec on (the one in Parley's own
    /// SDP; equal to `parameters.payloadType` when Parley answered).
    public var receivePayloadType: UInt8
    /// The telephone-event payload type to send DTMF with (RFC 4733 §7), at
    /// the codec's clock rate; nil when the phone does not do RFC 4733 there.
    public var telephoneEventPayloadType: UInt8?
    /// The telephone-event payload type Parley receives DTMF on.
    public var telephoneEventReceivePayloadType: UInt8?
    /// Where to send RTP: the `c=` address (media level, else session level).
    /// `0.0.0.0` for an old-style hold (RFC 3264 §8.4).
    public var remoteAddress: String
    /// The phone's RTP port (the m= port).
    public var remotePort: UInt16
    /// The phone's RTCP port: `a=rtcp` (RFC 3605 §2.1) or the RTP port + 1
    /// (RFC 3550 §11). Parley does not multiplex RTCP toward phones.
    public var remoteRTCPPort: UInt16
    /// The phone's `a=ptime` (RFC 8866 §6.4), nil when it gave none.
    public var remotePtime: UInt32?
    /// The packet time Parley sends: always 20 ms.
    public var localPtime: UInt32
    /// The phone's direction, with an old-style hold (`c=0.0.0.0`) taken as
    /// "does not receive" (RFC 3264 §8.4).
    public var remoteDirection: Direction
    /// Parley's direction: the mirror of the phone's (RFC 3264 §6.1).
    public var localDirection: Direction
    /// SRTP keys, nil for plain RTP (RTP/AVP).
    public var srtp: PhoneSRTP?

    /// Whether the phone put the call on hold: it does not want Parley's
    /// media (`sendonly`, `inactive`, or `c=0.0.0.0`).
    public var isOnHold: Bool { !remoteDirection.receives }

    /// Creates a result.
    public init(mediaIndex: Int, codec: PhoneCodec, parameters: RTPCodecParameters, receivePayloadType: UInt8,
                telephoneEventPayloadType: UInt8?, telephoneEventReceivePayloadType: UInt8?,
                remoteAddress: String, remotePort: UInt16, remoteRTCPPort: UInt16, remotePtime: UInt32?,
                localPtime: UInt32 = PhoneNegotiation.localPtime, remoteDirection: Direction,
                localDirection: Direction, srtp: PhoneSRTP?) {
        self.mediaIndex = mediaIndex
        self.codec = codec
        self.parameters = parameters
        self.receivePayloadType = receivePayloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.telephoneEventReceivePayloadType = telephoneEventReceivePayloadType
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.remoteRTCPPort = remoteRTCPPort
        self.remotePtime = remotePtime
        self.localPtime = localPtime
        self.remoteDirection = remoteDirection
        self.localDirection = localDirection
        self.srtp = srtp
    }
}
