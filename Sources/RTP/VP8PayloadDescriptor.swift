/// The VP8 payload descriptor (RFC 7741 §4.2) at the start of every VP8 RTP
/// payload, plus what an SFU needs from the VP8 payload header after it:
/// keyframe detection (§4.3) and the keyframe's frame size (RFC 6386 §9.1).
///
/// ```
///       +-+-+-+-+-+-+-+-+
///       |X|R|N|S|R| PID | (REQUIRED)
///       +-+-+-+-+-+-+-+-+
///  X:   |I|L|T|K| RSV   | (OPTIONAL)
///       +-+-+-+-+-+-+-+-+
///  I:   |M| PictureID   | (OPTIONAL, 7 or 15 bits)
///       +-+-+-+-+-+-+-+-+
///  L:   |   TL0PICIDX   | (OPTIONAL)
///       +-+-+-+-+-+-+-+-+
///  T/K: |TID|Y| KEYIDX  | (OPTIONAL)
///       +-+-+-+-+-+-+-+-+
/// ```
public struct VP8PayloadDescriptor: Sendable, Equatable {
    /// S bit: the packet starts a VP8 partition.
    public var startOfPartition: Bool
    /// PID: the partition index (0...7).
    public var partitionID: UInt8
    /// N bit: the frame can be discarded without affecting others.
    public var nonReference: Bool
    /// The picture ID when the I bit is set.
    public var pictureID: UInt16?
    /// M bit: `pictureID` is 15 bits on the wire (else 7).
    public var pictureIDIs15Bit: Bool
    /// TL0PICIDX when the L bit is set.
    public var tl0PicIdx: UInt8?
    /// TID when the T bit is set.
    public var temporalLayer: UInt8?
    /// Y bit (meaningful only with T): the frame depends only on temporal layer 0.
    public var layerSync: Bool
    /// KEYIDX when the K bit is set.
    public var keyIndex: UInt8?
    /// Descriptor size in bytes; the VP8 payload header starts here.
    public var headerLength: Int
    /// RFC 7741 §4.3: S = 1, PID = 0 and the P bit (bit 0 of the first payload
    /// header byte) is 0 — the first packet of a key frame.
    public var isKeyframe: Bool
    /// The key frame's width in pixels (RFC 6386 §9.1, 14 bits) when this is the
    /// first packet of a key frame and its header is complete; else nil.
    public var width: UInt16?
    /// The key frame's height, like `width`.
    public var height: UInt16?

    /// Parses the descriptor at the start of a VP8 RTP payload.
    ///
    /// Throws `tooShort` for an empty payload or one that ends right after the
    /// descriptor (no VP8 data), `badPayloadDescriptor` when an optional field the
    /// flags announce is missing.
    public init(parsing payload: UnsafeRawBufferPointer) throws(RTPParseError) {
        let count = payload.count
        guard count >= 1 else { throw .tooShort }
        let first = payload[0]
        nonReference = first & 0x20 != 0
        startOfPartition = first & 0x10 != 0
        partitionID = first & 0x07
        pictureID = nil
        pictureIDIs15Bit = false
        tl0PicIdx = nil
        temporalLayer = nil
        layerSync = false
        keyIndex = nil
        width = nil
        height = nil

        var offset = 1
        if first & 0x80 != 0 {
            guard offset < count else { throw .badPayloadDescriptor }
            let flags = payload[offset]
            offset += 1
            if flags & 0x80 != 0 { // I
                guard offset < count else { throw .badPayloadDescriptor }
                let high = payload[offset]
                offset += 1
                if high & 0x80 != 0 { // M: 15-bit picture ID
                    guard offset < count else { throw .badPayloadDescriptor }
                    pictureID = UInt16(high & 0x7F) << 8 | UInt16(payload[offset])
                    pictureIDIs15Bit = true
                    offset += 1
                } else {
                    pictureID = UInt16(high)
                }
            }
            if flags & 0x40 != 0 { // L
                guard offset < count else { throw .badPayloadDescriptor }
                tl0PicIdx = payload[offset]
                offset += 1
            }
            if flags & 0x30 != 0 { // T or K share one byte
                guard offset < count else { throw .badPayloadDescriptor }
                let byte = payload[offset]
                offset += 1
                if flags & 0x20 != 0 {
                    temporalLayer = byte >> 6
                    layerSync = byte & 0x20 != 0
                }
                if flags & 0x10 != 0 {
                    keyIndex = byte & 0x1F
                }
            }
        }
        headerLength = offset
        guard offset < count else { throw .tooShort }

        isKeyframe = startOfPartition && partitionID == 0 && payload[offset] & 0x01 == 0
        // RFC 6386 §9.1: a key frame's 3-byte frame tag is followed by the start
        // code 9d 01 2a and two little-endian 16-bit fields, 14 bits of size and
        // 2 bits of scaling each.
        if isKeyframe, count - offset >= 10,
           payload[offset + 3] == 0x9D, payload[offset + 4] == 0x01, payload[offset + 5] == 0x2A {
            width = (UInt16(payload[offset + 6]) | UInt16(payload[offset + 7]) << 8) & 0x3FFF
            height = (UInt16(payload[offset + 8]) | UInt16(payload[offset + 9]) << 8) & 0x3FFF
        }
    }

    /// Whether the descriptor has the extension byte (X bit).
    var hasExtension: Bool {
        pictureID != nil || tl0PicIdx != nil || temporalLayer != nil || keyIndex != nil
    }

    /// Rewrites the picture ID and TL0PICIDX of a payload in place (simulcast layer
    /// switching keeps them continuous for the receiver). A nil argument, or a
    /// field the descriptor does not have, is left unchanged; the descriptor's
    /// size never changes, so a picture ID is written modulo 2^7 or 2^15 as the
    /// field allows. `descriptor` must be the parse of `payload`; a payload too
    /// short for the fields it describes is left alone.
    public static func rewrite(pictureID: UInt16?, tl0PicIdx: UInt8?, in payload: UnsafeMutableRawBufferPointer,
                               descriptor: VP8PayloadDescriptor) {
        // Field positions follow from the descriptor's flags; check them against
        // the buffer itself so a descriptor that does not match cannot write
        // out of bounds.
        let pictureIDLength = descriptor.pictureID == nil ? 0 : descriptor.pictureIDIs15Bit ? 2 : 1
        let fieldsEnd = 2 + pictureIDLength + (descriptor.tl0PicIdx == nil ? 0 : 1)
        guard descriptor.hasExtension, payload.count >= fieldsEnd else { return }
        var offset = 2
        if descriptor.pictureID != nil {
            if let pictureID {
                if descriptor.pictureIDIs15Bit {
                    payload[offset] = 0x80 | UInt8(truncatingIfNeeded: pictureID >> 8) & 0x7F
                    payload[offset + 1] = UInt8(truncatingIfNeeded: pictureID)
                } else {
                    payload[offset] = UInt8(truncatingIfNeeded: pictureID) & 0x7F
                }
            }
            offset += descriptor.pictureIDIs15Bit ? 2 : 1
        }
        if descriptor.tl0PicIdx != nil, let tl0PicIdx {
            payload[offset] = tl0PicIdx
        }
    }
}
