/// The RTP header extension URIs Parley negotiates.
public enum HeaderExtensionURI {
    /// RFC 9143 §15.2: the m-line's mid in every packet (BUNDLE demultiplexing).
    public static let mid = "urn:ietf:params:rtp-hdrext:sdes:mid"
    /// RFC 8852 §3.3: the simulcast rid of a packet.
    public static let rtpStreamID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
    /// RFC 8852 §3.4: the rid an rtx packet repairs.
    public static let repairedRTPStreamID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
    /// RFC 6464: the audio level of a packet (active-speaker detection).
    public static let audioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    /// The send time used by REMB bandwidth estimation (webrtc.org).
    public static let absSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    /// A transport-wide sequence number for TWCC feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01).
    public static let transportWideCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
    /// 3GPP TS 26.114 §7.4.5: the camera's rotation.
    public static let videoOrientation = "urn:3gpp:video-orientation"
    /// The receiver's playout delay bounds (webrtc.org).
    public static let playoutDelay = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"
}
