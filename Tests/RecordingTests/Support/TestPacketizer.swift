import Foundation

/// The sender's side, written from the RFCs for the tests: RTP packets (RFC
/// 3550) with optional CSRCs, RFC 8285 one-byte extensions and padding, and
/// the VP8 (RFC 7741), H.264 (RFC 6184 mode 1) and Opus (RFC 7587) payloads.
struct TestPacketizer {
    var payloadType: UInt8
    var ssrc: UInt32 = 0x1234_5678
    var sequence: UInt16 = 65500 // wraps early in every stream
    var mtu = 1200
    /// Adds a CSRC, a one-byte header extension and padding to every third packet.
    var decorate = true
    private var pictureID: UInt16 = 0x7F00 // 15-bit, wraps too
    private var count = 0

    init(payloadType: UInt8) {
        self.payloadType = payloadType
    }

    /// One RTP packet.
    mutating func packet(timestamp: UInt32, marker: Bool, payload: [UInt8]) -> [UInt8] {
        let fancy = decorate && count % 3 == 1
        count += 1
        var out: [UInt8] = []
        let csrcs: [UInt32] = fancy ? [0xCAFE_BABE] : []
        let padding = fancy ? 7 : 0
        out.append(0x80 | (padding > 0 ? 0x20 : 0) | (fancy ? 0x10 : 0) | UInt8(csrcs.count))
        out.append((marker ? 0x80 : 0) | payloadType)
        out.append(contentsOf: [UInt8(sequence >> 8), UInt8(sequence & 0xFF)])
        out.append(contentsOf: withUnsafeBytes(of: timestamp.bigEndian, Array.init))
        out.append(contentsOf: withUnsafeBytes(of: ssrc.bigEndian, Array.init))
        for csrc in csrcs { out.append(contentsOf: withUnsafeBytes(of: csrc.bigEndian, Array.init)) }
        if fancy {
            // RFC 8285 §4.2: 0xBEDE, length 2 words: audio level (id 1, 1 byte),
            // a 3-byte element (id 3), a padding byte, then one more pad to the word.
            out.append(contentsOf: [0xBE, 0xDE, 0x00, 0x02, 0x10, 0x7F, 0x32, 0x01, 0x02, 0x03, 0x00, 0x00])
        }
        out.append(contentsOf: payload)
        if padding > 0 {
            out.append(contentsOf: [UInt8](repeating: 0, count: padding - 1) + [UInt8(padding)])
        }
        sequence &+= 1
        return out
    }

    /// VP8 payloads of one frame (RFC 7741 §4.2): X with a 15-bit picture ID, and
    /// TL0PICIDX/TID/KEYIDX on alternate frames; S and PID 0 on the first packet.
    mutating func vp8Payloads(_ frame: [UInt8]) -> [[UInt8]] {
        pictureID = (pictureID + 1) & 0x7FFF
        let extended = pictureID % 2 == 0
        var descriptor: [UInt8] = [0x80, extended ? 0xF0 : 0x80, 0x80 | UInt8(pictureID >> 8), UInt8(pictureID & 0xFF)]
        if extended { descriptor += [UInt8(truncatingIfNeeded: pictureID), 0x40 | 0x05] }
        let room = mtu - descriptor.count
        var payloads: [[UInt8]] = []
        var offset = 0
        while offset < frame.count {
            var header = descriptor
            if offset == 0 { header[0] |= 0x10 } // S, PID 0
            let end = min(frame.count, offset + room)
            payloads.append(header + frame[offset..<end])
            offset = end
        }
        return payloads
    }

    /// H.264 payloads of one access unit (RFC 6184 mode 1): runs of small NAL
    /// units in STAP-A (§5.7.1), big ones in FU-A (§5.8), others alone (§5.6).
    func h264Payloads(_ units: [[UInt8]]) -> [[UInt8]] {
        var payloads: [[UInt8]] = []
        var aggregate: [[UInt8]] = []
        func flush() {
            if aggregate.count == 1 {
                payloads.append(aggregate[0])
            } else if aggregate.count > 1 {
                let nri = aggregate.map { $0[0] & 0x60 }.max() ?? 0
                var stap: [UInt8] = [nri | 24]
                for unit in aggregate { stap += [UInt8(unit.count >> 8), UInt8(unit.count & 0xFF)] + unit }
                payloads.append(stap)
            }
            aggregate = []
        }
        for unit in units {
            if unit.count > mtu {
                flush()
                let indicator = unit[0] & 0xE0 | 28
                var offset = 1
                while offset < unit.count {
                    let end = min(unit.count, offset + mtu - 2)
                    var header = unit[0] & 0x1F
                    if offset == 1 { header |= 0x80 }
                    if end == unit.count { header |= 0x40 }
                    payloads.append([indicator, header] + unit[offset..<end])
                    offset = end
                }
            } else {
                let size = 1 + (aggregate + [unit]).reduce(0) { $0 + 2 + $1.count }
                if size > mtu { flush() }
                aggregate.append(unit)
            }
        }
        flush()
        return payloads
    }

    /// RTP packets of a frame's payloads; the marker on the last (video).
    mutating func packets(timestamp: UInt32, payloads: [[UInt8]], markLast: Bool = true) -> [[UInt8]] {
        payloads.enumerated().map { index, payload in
            packet(timestamp: timestamp, marker: markLast && index == payloads.count - 1, payload: payload)
        }
    }
}

/// A packet and its arrival on the recording timeline.
struct TimedPacket {
    var bytes: [UInt8]
    var arrival: Double
}

/// RTP streams of whole media, timed as a sender at `rate` frames per second sends them.
enum TestStreams {
    static func vp8(_ frames: [[UInt8]], start: Double, rtpStart: UInt32 = 0xFFFF_0000, rate: Double = 30,
                    packetizer: inout TestPacketizer) -> [[TimedPacket]] {
        frames.enumerated().map { index, frame in
            let timestamp = rtpStart &+ UInt32(Double(index) * 90000 / rate)
            return packetizer.packets(timestamp: timestamp, payloads: packetizer.vp8Payloads(frame)).map {
                TimedPacket(bytes: $0, arrival: start + Double(index) / rate)
            }
        }
    }

    static func h264(_ units: [[[UInt8]]], start: Double, rtpStart: UInt32 = 0xFFFF_0000, rate: Double = 30,
                     packetizer: inout TestPacketizer) -> [[TimedPacket]] {
        units.enumerated().map { index, unit in
            let timestamp = rtpStart &+ UInt32(Double(index) * 90000 / rate)
            return packetizer.packets(timestamp: timestamp, payloads: packetizer.h264Payloads(unit)).map {
                TimedPacket(bytes: $0, arrival: start + Double(index) / rate)
            }
        }
    }

    static func opus(_ packets: [[UInt8]], start: Double, rtpStart: UInt32 = 0xFFFF_0000,
                     packetizer: inout TestPacketizer) -> [TimedPacket] {
        packets.enumerated().map { index, packet in
            TimedPacket(bytes: packetizer.packet(timestamp: rtpStart &+ UInt32(index * 960), marker: index == 0, payload: packet),
                        arrival: start + Double(index) * 0.02)
        }
    }
}
