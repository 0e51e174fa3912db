/// The client-to-mixer audio level header extension (RFC 6464 §3,
/// urn:ietf:params:rtp-hdrext:ssrc-audio-level): one byte, a voice-activity flag
/// and the level in -dBov (0 is the loudest, 127 silence).
public struct AudioLevel: Sendable, Equatable {
    /// V flag: the sender's voice activity detector thinks this packet holds speech.
    public var voiceActivity: Bool
    /// The level in -dBov, 0...127.
    public var level: UInt8

    public init(voiceActivity: Bool, level: UInt8) {
        self.voiceActivity = voiceActivity
        self.level = min(level, 127)
    }

    /// Reads the element data (`RTPHeader.extensionElement(id:in:)`); nil if empty.
    /// Extra bytes (two-byte form senders may pad) are ignored.
    public init?(element: UnsafeRawBufferPointer) {
        guard let byte = element.first else { return nil }
        voiceActivity = byte & 0x80 != 0
        level = byte & 0x7F
    }

    /// The level in dBov (0 or negative).
    public var dBov: Int { -Int(level) }

    /// The element's single data byte.
    public var byte: UInt8 { (voiceActivity ? 0x80 : 0) | level & 0x7F }
}
