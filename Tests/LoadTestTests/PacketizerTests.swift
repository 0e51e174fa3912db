import RTP
import SFU
import Testing
@testable import LoadTest

@Suite("Synthetic Opus and simulcast VP8")
struct PacketizerTests {
    static let ids = HeaderExtensionIDs.chromium

    static func header(_ packet: [UInt8]) throws -> RTPHeader {
        try packet.withUnsafeBytes { try RTPHeader(parsing: UnsafeRawBufferPointer(rebasing: $0[0..<(packet.count - SRTPSession.maximumOverhead)])) }
    }

    static func plain(_ packet: [UInt8]) -> [UInt8] { Array(packet[0..<(packet.count - SRTPSession.maximumOverhead)]) }

    static func extensionValue(_ packet: [UInt8], id: UInt8) throws -> [UInt8]? {
        let bytes = plain(packet)
        let header = try bytes.withUnsafeBytes { try RTPHeader(parsing: $0) }
        return bytes.withUnsafeBytes { raw in header.extensionElement(id: id, in: raw).map { Array(raw[$0]) } }
    }

    @Test("Opus: 20 ms apart on the 48 kHz clock, consecutive sequence numbers, a TOC byte, MID and abs-send-time")
    func opus() throws {
        var source = OpusSource(ssrc: 7, mid: "0", ids: Self.ids, seed: 1)
        let a = source.nextPacket(sendTime: 1.0)
        let b = source.nextPacket(sendTime: 1.02)
        let ha = try Self.header(a), hb = try Self.header(b)
        #expect(ha.payloadType == 111 && ha.ssrc == 7)
        #expect(hb.sequenceNumber == ha.sequenceNumber &+ 1)
        #expect(hb.timestamp == ha.timestamp &+ 960)
        #expect(Self.plain(a)[ha.payloadOffset] == 0x78)
        #expect(try Self.extensionValue(a, id: Self.ids.mid) == Array("0".utf8))
        #expect(try Self.extensionValue(a, id: Self.ids.absSendTime) == RTPPacketBuilder.absSendTime(seconds: 1.0))
        // About 32 kbit/s: 20-160 bytes of payload.
        let size = Self.plain(a).count - ha.payloadOffset
        #expect((20...170).contains(size))
    }

    @Test("VP8: the first frame is a keyframe on every layer that an SFU reads with its size; RID per layer")
    func vp8Keyframes() throws {
        var source = VP8SimulcastSource(mid: "1", ids: Self.ids, seed: 2)
        let packets = source.nextFrame(sendTime: 0)
        var sizes: [String: (UInt16, UInt16)] = [:]
        for packet in packets {
            let bytes = Self.plain(packet)
            let header = try Self.header(packet)
            let descriptor = try bytes.withUnsafeBytes {
                try VP8PayloadDescriptor(parsing: UnsafeRawBufferPointer(rebasing: $0[header.payloadRange(packetLength: bytes.count)]))
            }
            let rid = String(decoding: try #require(try Self.extensionValue(packet, id: Self.ids.rid)), as: UTF8.self)
            if descriptor.isKeyframe, let w = descriptor.width, let h = descriptor.height { sizes[rid] = (w, h) }
            #expect(descriptor.pictureID != nil && descriptor.tl0PicIdx != nil && descriptor.temporalLayer == 0)
        }
        #expect(sizes["q"]! == (320, 180))
        #expect(sizes["h"]! == (640, 360))
        #expect(sizes["f"]! == (1280, 720))
        // The next frame is not a keyframe; a PLI makes the one after it one, on that layer only.
        let second = source.nextFrame(sendTime: 0.033)
        #expect(try second.allSatisfy { !(try Self.isKeyframeStart($0)) })
        let top = source.layers[2].ssrc
        let known = source.requestKeyframe(ssrc: top)
        #expect(known)
        let third = source.nextFrame(sendTime: 0.066)
        let keyframeSSRCs = try third.filter { try Self.isKeyframeStart($0) }.map { try Self.header($0).ssrc }
        #expect(keyframeSSRCs == [source.layers[2].ssrc])
    }

    static func isKeyframeStart(_ packet: [UInt8]) throws -> Bool {
        let bytes = plain(packet)
        let header = try bytes.withUnsafeBytes { try RTPHeader(parsing: $0) }
        return try bytes.withUnsafeBytes {
            try VP8PayloadDescriptor(parsing: UnsafeRawBufferPointer(rebasing: $0[header.payloadRange(packetLength: bytes.count)]))
        }.isKeyframe
    }

    @Test("VP8 rates: about 150, 60 and 30 packets a second per layer; marker on each frame's last packet; packets under 1200 bytes")
    func vp8Rates() throws {
        var source = VP8SimulcastSource(mid: "1", ids: Self.ids, seed: 3)
        _ = source.nextFrame(sendTime: 0)  // the keyframes
        var perSSRC: [UInt32: Int] = [:]
        var bytesPerSSRC: [UInt32: Int] = [:]
        for frame in 0..<30 {
            let packets = source.nextFrame(sendTime: Double(frame) / 30)
            for (i, packet) in packets.enumerated() {
                let header = try Self.header(packet)
                perSSRC[header.ssrc, default: 0] += 1
                bytesPerSSRC[header.ssrc, default: 0] += packet.count - SRTPSession.maximumOverhead
                #expect(packet.count - SRTPSession.maximumOverhead + 16 <= 1200)
                let next = i + 1 < packets.count ? try Self.header(packets[i + 1]) : nil
                #expect(header.marker == (next == nil || next!.ssrc != header.ssrc))
            }
        }
        let layers = source.layers
        #expect((25...35).contains(perSSRC[layers[0].ssrc]!))
        #expect((55...65).contains(perSSRC[layers[1].ssrc]!))
        #expect((140...160).contains(perSSRC[layers[2].ssrc]!))
        // Within 20 % of the layer's bitrate.
        for layer in layers {
            let bits = Double(bytesPerSSRC[layer.ssrc]! * 8)
            #expect(abs(bits - Double(layer.bitrate)) / Double(layer.bitrate) < 0.2)
        }
    }

    @Test("abs-send-time round trip gives the delay, across the 64 s wrap")
    func absSendTime() {
        let sent = RTPPacketBuilder.absSendTime(seconds: 63.999)
        let delay = RTPPacketBuilder.delay(fromAbsSendTime: sent, now: 64.004)!
        #expect(abs(delay - 0.005) < 0.0001)
    }
}

@Suite("Send stamp")
struct SendStampTests {
    @Test("Every synthetic payload ends in a send time that reads back")
    func stamp() throws {
        var source = OpusSource(ssrc: 7, mid: "0", ids: HeaderExtensionIDs(), seed: 9)
        let packet = source.nextPacket(sendTime: 12.345678)
        let plain = Array(packet[0..<(packet.count - SRTPSession.maximumOverhead)])
        let header = try plain.withUnsafeBytes { try RTPHeader(parsing: $0) }
        let sent = plain.withUnsafeBytes { SendStamp.read(UnsafeRawBufferPointer(rebasing: $0[header.payloadRange(packetLength: plain.count)])) }
        #expect(abs(try #require(sent) - 12.345678) < 0.000_002)
        var video = VP8SimulcastSource(mid: "1", ids: HeaderExtensionIDs(), seed: 10)
        for packet in video.nextFrame(sendTime: 3.5) {
            let plain = Array(packet[0..<(packet.count - SRTPSession.maximumOverhead)])
            let header = try plain.withUnsafeBytes { try RTPHeader(parsing: $0) }
            let sent = plain.withUnsafeBytes { SendStamp.read(UnsafeRawBufferPointer(rebasing: $0[header.payloadRange(packetLength: plain.count)])) }
            #expect(sent == 3.5)
        }
    }
}
