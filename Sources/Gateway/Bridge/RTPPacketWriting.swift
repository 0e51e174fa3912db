import NIOCore
import RTP

/// Writes the RTP packets the gateway originates (RFC 3550 §5.1), with an
/// optional RFC 6464 audio level in a one-byte header extension (RFC 8285
/// §4.2) under the id local transports read.
enum RTPPacketWriting {
    static func write(into buffer: inout ByteBuffer, payloadType: UInt8, sequence: UInt16, timestamp: UInt32, ssrc: UInt32,
                      marker: Bool = false, audioLevel: AudioLevel?) {
        buffer.writeInteger(UInt8(audioLevel == nil ? 0x80 : 0x90))
        buffer.writeInteger((marker ? 0x80 : 0) | payloadType & 0x7F)
        buffer.writeInteger(sequence)
        buffer.writeInteger(timestamp)
        buffer.writeInteger(ssrc)
        if let audioLevel {
            buffer.writeInteger(UInt16(0xBEDE))
            buffer.writeInteger(UInt16(1))  // one 32-bit word of elements
            buffer.writeInteger(UInt8(GatewayEngine.audioLevelExtensionID << 4))  // length 1 → L = 0
            buffer.writeInteger(audioLevel.byte)
            buffer.writeInteger(UInt16(0))  // padding
        }
    }
}
