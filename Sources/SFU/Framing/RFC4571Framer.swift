/// Splits a TCP byte stream into packets framed as RFC 4571 §2 describes:
/// each packet is preceded by a 16-bit big-endian LENGTH of the packet that
/// follows, without the two length bytes. ICE-TCP (RFC 6544) carries STUN,
/// DTLS and SRTP/SRTCP this way, so each frame is demultiplexed like a UDP
/// datagram (RFC 7983).
///
/// A plain value without I/O: feed it whatever the socket read (frames may be
/// split across reads or several may arrive in one) and take complete frames
/// out with `nextFrame()`. Bytes of a partial frame are kept until the rest
/// arrives; an error is final.
///
/// `maximumFrameLength` bounds what one connection can make the server hold:
/// at most one partial frame (plus its header) remains after the complete ones
/// are taken out.
public struct RFC4571Framer: Sendable {
    /// The largest packet accepted: 2048 bytes, the media port's UDP receive
    /// size. A browser sends the same packets over ICE-TCP as over UDP
    /// (about 1200 bytes: RTP is packetised below the path MTU and DTLS
    /// handshake messages are fragmented to it), so anything the UDP path
    /// could not have received either is a broken or hostile peer. RFC 4571
    /// would allow up to 65535.
    public static let defaultMaximumFrameLength = 2048

    /// The largest LENGTH accepted; a larger one is `RFC4571FramingError.oversized`.
    public let maximumFrameLength: Int
    /// Received bytes not yet returned as frames; `start` is the first of them.
    private var pending: [UInt8] = []
    private var start = 0
    /// Set by the first error: the stream cannot be resynchronised.
    public private(set) var failure: RFC4571FramingError?

    /// A framer that accepts frames of up to `maximumFrameLength` bytes
    /// (clamped to 1…65535, what a 16-bit LENGTH can say).
    public init(maximumFrameLength: Int = RFC4571Framer.defaultMaximumFrameLength) {
        self.maximumFrameLength = min(max(maximumFrameLength, 1), Int(UInt16.max))
    }

    /// How many received bytes wait for the rest of their frame.
    public var bufferedByteCount: Int { pending.count - start }

    /// Adds bytes read from the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !bytes.isEmpty else { return }
        compact()
        pending.append(contentsOf: bytes)
    }

    /// Adds bytes read from the stream.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next complete frame's payload (without the length field), or nil
    /// when more bytes are needed. Throws on a LENGTH of 0 or above
    /// `maximumFrameLength`, and again on every later call.
    public mutating func nextFrame() throws(RFC4571FramingError) -> ArraySlice<UInt8>? {
        if let failure { throw failure }
        guard pending.count - start >= 2 else { return nil }
        let length = Int(pending[start]) << 8 | Int(pending[start + 1])
        if length == 0 {
            failure = .emptyFrame
            throw .emptyFrame
        }
        if length > maximumFrameLength {
            let error = RFC4571FramingError.oversized(length: length, maximum: maximumFrameLength)
            failure = error
            throw error
        }
        guard pending.count - start >= 2 + length else { return nil }
        let frame = pending[(start + 2)..<(start + 2 + length)]
        start += 2 + length
        return frame
    }

    /// Drops the bytes already returned, so `pending` holds at most one
    /// partial frame between reads.
    private mutating func compact() {
        guard start > 0 else { return }
        if start == pending.count {
            pending.removeAll(keepingCapacity: true)
        } else {
            pending.removeFirst(start)
        }
        start = 0
    }

    /// Frames `payload` for sending: its 16-bit big-endian length, then the
    /// bytes (RFC 4571 §2). Nil when the payload is empty or longer than 65535
    /// bytes, which the length field cannot express.
    public static func frame(_ payload: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let header = header(forLength: payload.count) else { return nil }
        return header + Array(payload)
    }

    /// The two length bytes for a payload of `length` bytes, nil when
    /// RFC 4571 cannot frame it (0, or above 65535).
    public static func header(forLength length: Int) -> [UInt8]? {
        guard (1...Int(UInt16.max)).contains(length) else { return nil }
        return [UInt8(length >> 8), UInt8(length & 0xFF)]
    }
}
