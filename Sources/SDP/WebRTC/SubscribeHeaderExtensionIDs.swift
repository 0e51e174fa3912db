/// The header extension ids Parley writes in subscribe offers, and so uses when
/// it rewrites forwarded packets for a subscriber. Ids are per peer connection;
/// these fit the one-byte form (RFC 8285 §4.2).
public enum SubscribeHeaderExtensionIDs {
    /// `urn:ietf:params:rtp-hdrext:ssrc-audio-level` on audio.
    public static let audioLevel: UInt8 = 1
    /// abs-send-time on audio and video (the browser's REMB estimate uses it).
    public static let absSendTime: UInt8 = 3
    /// `urn:3gpp:video-orientation` on video.
    public static let videoOrientation: UInt8 = 4

    /// The extensions of a subscribe m-line of a kind.
    public static func extensions(for kind: MediaKind) -> [HeaderExtension] {
        switch kind {
        case .audio:
            [HeaderExtension(id: audioLevel, uri: HeaderExtensionURI.audioLevel),
             HeaderExtension(id: absSendTime, uri: HeaderExtensionURI.absSendTime)]
        case .video:
            [HeaderExtension(id: absSendTime, uri: HeaderExtensionURI.absSendTime),
             HeaderExtension(id: videoOrientation, uri: HeaderExtensionURI.videoOrientation)]
        }
    }
}
