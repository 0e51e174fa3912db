import RTP
import SFU

/// The packets a publisher sent recently, by SSRC and sequence number, so it
/// can answer a generic NACK (RFC 4585 §6.2.1) as a browser does: with an
/// RTX packet (RFC 4588 §4) when RTX was negotiated, else by sending the
/// packet again as it was.
public struct SendHistory: Sendable {
    /// Packets kept per stream: about 4 s of the top layer at 150 packets/s.
    public let capacity: Int
    var streams: [UInt32: [Entry]] = [:]

    struct Entry: Sendable {
        var sequenceNumber: UInt16
        /// The plain RTP packet, without the spare SRTP room.
        var packet: [UInt8]
    }

    public init(capacity: Int = 600) {
        self.capacity = capacity
    }

    /// Keeps a copy of a plain RTP packet as built by `RTPPacketBuilder`
    /// (with its spare tail), before it is protected.
    public mutating func record(_ built: [UInt8]) {
        let length = built.count - SRTPSession.maximumOverhead
        guard length >= RTPHeader.fixedHeaderLength else { return }
        let ssrc = UInt32(built[8]) << 24 | UInt32(built[9]) << 16 | UInt32(built[10]) << 8 | UInt32(built[11])
        let sequence = UInt16(built[2]) << 8 | UInt16(built[3])
        let entry = Entry(sequenceNumber: sequence, packet: Array(built[0..<length]))
        let slot = Int(sequence) % capacity
        if streams[ssrc] == nil {
            streams[ssrc] = [Entry](repeating: Entry(sequenceNumber: sequence &+ 1, packet: []), count: capacity)
        }
        streams[ssrc]![slot] = entry
    }

    /// The packet sent with this SSRC and sequence number, if still kept.
    public func packet(ssrc: UInt32, sequenceNumber: UInt16) -> [UInt8]? {
        guard let entries = streams[ssrc] else { return nil }
        let entry = entries[Int(sequenceNumber) % capacity]
        guard entry.sequenceNumber == sequenceNumber, !entry.packet.isEmpty else { return nil }
        return entry.packet
    }

    /// RFC 4588 §4: an RTX packet repairing `original`. Its payload is the
    /// original sequence number (OSN) followed by the original payload; it
    /// has the RTX payload type, SSRC and its own sequence number, the
    /// original timestamp and marker, and the MID and repaired-RID extensions
    /// (RFC 8852 §3.4) instead of the RID, so the SFU finds the layer.
    public static func rtxPacket(repairing original: [UInt8], payloadType: UInt8, ssrc: UInt32, sequenceNumber: UInt16,
                                 mid: String, rid: String?, ids: HeaderExtensionIDs, sendTime: Double) -> [UInt8]? {
        let parsed = original.withUnsafeBytes { try? RTPHeader(parsing: $0) }
        guard let header = parsed else { return nil }
        let payloadRange = header.payloadRange(packetLength: original.count)
        var payload = [UInt8(header.sequenceNumber >> 8), UInt8(truncatingIfNeeded: header.sequenceNumber)]
        payload += original[payloadRange]
        var extensions: [RTPPacketBuilder.Extension] = []
        if ids.mid != 0 { extensions.append(.init(id: ids.mid, data: Array(mid.utf8))) }
        if let rid, ids.repairedRID != 0 { extensions.append(.init(id: ids.repairedRID, data: Array(rid.utf8))) }
        if ids.absSendTime != 0 { extensions.append(.init(id: ids.absSendTime, data: RTPPacketBuilder.absSendTime(seconds: sendTime))) }
        return RTPPacketBuilder.packet(payloadType: payloadType, marker: header.marker, sequenceNumber: sequenceNumber,
                                       timestamp: header.timestamp, ssrc: ssrc, extensions: extensions, payload: payload)
    }
}
