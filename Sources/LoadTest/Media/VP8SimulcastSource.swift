/// A synthetic VP8 camera sending three simulcast encodings (RFC 8853) as
/// Chromium does for Parley's page (`publisher.js`: q = ¼, h = ½, f = full
/// size): each packet carries the MID and RID header extensions (RFC 8852),
/// a valid VP8 payload descriptor (RFC 7741 §4.2) and, on the first packet
/// of a frame, a VP8 frame tag with the key-frame bit, and on key frames the
/// start code and picture size (RFC 6386 §9.1) that an SFU reads. No coding:
/// the rest of each payload is filler of realistic size.
public struct VP8SimulcastSource: Sendable {
    public let payloadType: UInt8
    public let rtxPayloadType: UInt8?
    public let mid: String
    public var ids: HeaderExtensionIDs
    public internal(set) var layers: [VP8Layer]
    public private(set) var timestamp: UInt32
    /// 30 frames per second on the 90 kHz video clock (RFC 7741 §4.1).
    public static let frameInterval: Duration = .nanoseconds(33_333_333)
    public static let ticksPerFrame: UInt32 = 3000
    /// The most VP8 bytes in one packet: with the header, extensions and the
    /// SRTP tag a packet stays under 1200 bytes, like libwebrtc's.
    public static let maximumPayload = 1100
    /// A keyframe is this many times an average frame.
    public static let keyframeFactor = 4
    var random: SplitMix64
    public private(set) var keyframesSent = 0

    /// Chromium-like layers at 30 fps: 320×180 at 120 kbit/s (about 30
    /// packets/s), 640×360 at 400 kbit/s (60), 1280×720 at 1.2 Mbit/s (150).
    public init(mid: String, ids: HeaderExtensionIDs, payloadType: UInt8 = 96, rtxPayloadType: UInt8? = 97,
                layerCount: Int = 3, seed: UInt64) {
        self.mid = mid
        self.ids = ids
        self.payloadType = payloadType
        self.rtxPayloadType = rtxPayloadType
        var random = SplitMix64(seed: seed)
        let shapes: [(String, UInt16, UInt16, Int)] = [("q", 320, 180, 120_000), ("h", 640, 360, 400_000),
                                                        ("f", 1280, 720, 1_200_000)]
        layers = shapes.prefix(max(1, min(3, layerCount))).map { rid, w, h, rate in
            VP8Layer(rid: rid, width: w, height: h, bitrate: rate,
                     ssrc: UInt32(truncatingIfNeeded: random.next()), rtxSSRC: UInt32(truncatingIfNeeded: random.next()),
                     sequenceNumber: UInt16(truncatingIfNeeded: random.next()),
                     rtxSequenceNumber: UInt16(truncatingIfNeeded: random.next()),
                     pictureID: UInt16(truncatingIfNeeded: random.next()))
        }
        timestamp = UInt32(truncatingIfNeeded: random.next())
        self.random = random
    }

    /// The layer whose stream or RTX stream has this SSRC.
    public func layerIndex(ssrc: UInt32) -> Int? {
        layers.firstIndex { $0.ssrc == ssrc || $0.rtxSSRC == ssrc }
    }

    /// A PLI or FIR for `ssrc` (RFC 4585 §6.3.1, RFC 5104 §4.3.1): the next
    /// frame of that layer is a keyframe. Returns false for an unknown SSRC.
    @discardableResult
    public mutating func requestKeyframe(ssrc: UInt32) -> Bool {
        guard let index = layerIndex(ssrc: ssrc) else { return false }
        layers[index].keyframeDue = true
        return true
    }

    /// The packets of the next frame of every layer, in layer order.
    public mutating func nextFrame(sendTime: Double) -> [[UInt8]] {
        var packets: [[UInt8]] = []
        for index in layers.indices { packets += frame(of: index, sendTime: sendTime) }
        timestamp &+= Self.ticksPerFrame
        return packets
    }

    /// Frame size in bytes: the layer's bitrate over 30 fps, ±15 %.
    mutating func frameSize(of layer: VP8Layer, keyframe: Bool) -> Int {
        let mean = layer.bitrate / 8 / 30
        let jitter = Int(random.next() % 31) - 15
        let size = mean + mean * jitter / 100
        return max(40, keyframe ? size * Self.keyframeFactor : size)
    }

    mutating func frame(of index: Int, sendTime: Double) -> [[UInt8]] {
        var layer = layers[index]
        let keyframe = layer.keyframeDue
        layer.keyframeDue = false
        if keyframe { keyframesSent += 1 }
        let size = frameSize(of: layer, keyframe: keyframe)
        // libwebrtc splits a frame into packets of nearly equal size.
        let count = (size + Self.maximumPayload - 1) / Self.maximumPayload
        var packets: [[UInt8]] = []
        packets.reserveCapacity(count)
        var remaining = size
        for n in 0..<count {
            let chunk = remaining / (count - n)
            remaining -= chunk
            var payload = Self.descriptor(start: n == 0, pictureID: layer.pictureID, tl0PicIdx: layer.tl0PicIdx)
            if n == 0 { payload += Self.frameHeader(keyframe: keyframe, size: size, width: layer.width, height: layer.height) }
            payload += [UInt8](repeating: 0xA5, count: max(SendStamp.length, chunk - (n == 0 ? (keyframe ? 10 : 3) : 0)))
            SendStamp.write(seconds: sendTime, into: &payload)
            var extensions: [RTPPacketBuilder.Extension] = []
            if ids.mid != 0 { extensions.append(.init(id: ids.mid, data: Array(mid.utf8))) }
            if ids.rid != 0 { extensions.append(.init(id: ids.rid, data: Array(layer.rid.utf8))) }
            if ids.absSendTime != 0 {
                extensions.append(.init(id: ids.absSendTime, data: RTPPacketBuilder.absSendTime(seconds: sendTime)))
            }
            packets.append(RTPPacketBuilder.packet(payloadType: payloadType, marker: n == count - 1,
                                                   sequenceNumber: layer.sequenceNumber, timestamp: timestamp,
                                                   ssrc: layer.ssrc, extensions: extensions, payload: payload))
            layer.sequenceNumber &+= 1
        }
        layer.pictureID = (layer.pictureID &+ 1) & 0x7FFF
        layer.tl0PicIdx &+= 1
        layers[index] = layer
        return packets
    }

    /// RFC 7741 §4.2: X, S (start of partition 0 on the first packet), then
    /// I (15-bit picture ID, M set), L (TL0PICIDX) and T (TID 0, Y set), as
    /// libwebrtc writes for temporal layer 0.
    static func descriptor(start: Bool, pictureID: UInt16, tl0PicIdx: UInt8) -> [UInt8] {
        [0x80 | (start ? 0x10 : 0), 0xE0, 0x80 | UInt8(pictureID >> 8 & 0x7F), UInt8(truncatingIfNeeded: pictureID),
         tl0PicIdx, 0x20]
    }

    /// RFC 6386 §9.1: the 3-byte frame tag (P bit 0 on key frames, version 0,
    /// show_frame 1, first partition size), and on key frames the start code
    /// and the 14-bit width and height, little-endian, scale 0.
    static func frameHeader(keyframe: Bool, size: Int, width: UInt16, height: UInt16) -> [UInt8] {
        let partition = UInt32(min(size / 4, 0x7FFFF))
        let tag = (keyframe ? 0 : 1) | 0x10 | partition << 5
        var bytes = [UInt8(truncatingIfNeeded: tag), UInt8(truncatingIfNeeded: tag >> 8), UInt8(truncatingIfNeeded: tag >> 16)]
        if keyframe {
            bytes += [0x9D, 0x01, 0x2A, UInt8(truncatingIfNeeded: width), UInt8(width >> 8 & 0x3F),
                      UInt8(truncatingIfNeeded: height), UInt8(height >> 8 & 0x3F)]
        }
        return bytes
    }
}
