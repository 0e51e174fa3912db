/// RTCP packet types (IANA "RTP Control Protocol Packet Types").
public enum RTCPPacketType {
    /// SR, RFC 3550 §6.4.1.
    public static let senderReport: UInt8 = 200
    /// RR, RFC 3550 §6.4.2.
    public static let receiverReport: UInt8 = 201
    /// SDES, RFC 3550 §6.5.
    public static let sourceDescription: UInt8 = 202
    /// BYE, RFC 3550 §6.6.
    public static let goodbye: UInt8 = 203
    /// APP, RFC 3550 §6.7.
    public static let applicationDefined: UInt8 = 204
    /// RTPFB, transport layer feedback (RFC 4585 §6.1); `RTCPFeedbackFormat` says which.
    public static let rtpFeedback: UInt8 = 205
    /// PSFB, payload-specific feedback (RFC 4585 §6.1).
    public static let payloadSpecificFeedback: UInt8 = 206
    /// XR, RFC 3611.
    public static let extendedReport: UInt8 = 207
}

/// Feedback message types (the FMT field, RFC 4585 §6.1) used by an SFU.
public enum RTCPFeedbackFormat {
    /// RTPFB 1: generic NACK (RFC 4585 §6.2.1).
    public static let genericNACK: UInt8 = 1
    /// RTPFB 15: transport-wide congestion control feedback
    /// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).
    public static let transportWideCC: UInt8 = 15
    /// PSFB 1: picture loss indication (RFC 4585 §6.3.1).
    public static let pictureLossIndication: UInt8 = 1
    /// PSFB 4: full intra request (RFC 5104 §4.3.1).
    public static let fullIntraRequest: UInt8 = 4
    /// PSFB 15: application layer feedback (RFC 4585 §6.4), e.g. REMB.
    public static let applicationLayer: UInt8 = 15
}
