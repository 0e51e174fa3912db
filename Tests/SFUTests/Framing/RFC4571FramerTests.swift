import Testing
@testable import SFU

/// RFC 4571 §2 framing of the media port's TCP connections: frames split
/// across reads, several in one read, partial length fields, and the errors
/// that end a connection.
@Suite("RFC 4571 framer")
struct RFC4571FramerTests {
    /// A frame: two length bytes, then the payload.
    static func framed(_ payload: [UInt8]) -> [UInt8] {
        [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
    }

    /// Every frame the framer can give now.
    static func frames(_ framer: inout RFC4571Framer) throws(RFC4571FramingError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        while let frame = try framer.nextFrame() { out.append(Array(frame)) }
        return out
    }

    static let stun: [UInt8] = [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 7, count: 12)
    static let rtp: [UInt8] = [0x80, 0x60, 0x00, 0x01] + [UInt8](repeating: 0xAB, count: 1196)

    @Test("one frame in one read")
    func oneFrame() throws {
        var framer = RFC4571Framer()
        framer.append(Self.framed(Self.stun))
        #expect(try Self.frames(&framer) == [Self.stun])
        #expect(framer.bufferedByteCount == 0)
    }

    @Test("two frames and the start of a third in one read; the rest in the next")
    func joinedFrames() throws {
        var framer = RFC4571Framer()
        let third: [UInt8] = [0x17, 0xFE, 0xFD, 1, 2, 3, 4, 5]
        let stream = Self.framed(Self.stun) + Self.framed(Self.rtp) + Self.framed(third)
        let cut = stream.count - 5
        framer.append(Array(stream[..<cut]))
        #expect(try Self.frames(&framer) == [Self.stun, Self.rtp])
        #expect(framer.bufferedByteCount == 2 + third.count - 5)
        framer.append(Array(stream[cut...]))
        #expect(try Self.frames(&framer) == [third])
        #expect(framer.bufferedByteCount == 0)
    }

    @Test("a frame that arrives one byte at a time, header included")
    func byteByByte() throws {
        var framer = RFC4571Framer()
        let stream = Self.framed(Self.rtp) + Self.framed(Self.stun)
        var got: [[UInt8]] = []
        for byte in stream {
            framer.append([byte])
            got += try Self.frames(&framer)
        }
        #expect(got == [Self.rtp, Self.stun])
    }

    @Test("a partial length field waits for its second byte")
    func partialHeader() throws {
        var framer = RFC4571Framer()
        framer.append([0x00])
        #expect(try framer.nextFrame() == nil)
        framer.append([0x03, 0xAA, 0xBB])
        #expect(try framer.nextFrame() == nil)
        framer.append([0xCC])
        #expect(try framer.nextFrame().map(Array.init) == [0xAA, 0xBB, 0xCC])
    }

    @Test("every way of cutting a stream of frames gives the same frames")
    func anySplit() throws {
        let payloads: [[UInt8]] = [Self.stun, [0x80, 0xC8, 0, 1], Self.rtp, [0x16]]
        let stream = payloads.flatMap(Self.framed)
        for cut in 0...stream.count {
            var framer = RFC4571Framer()
            framer.append(Array(stream[..<cut]))
            var got = try Self.frames(&framer)
            framer.append(Array(stream[cut...]))
            got += try Self.frames(&framer)
            #expect(got == payloads, "cut at \(cut)")
        }
    }

    @Test("the largest frame allowed passes; one byte more ends the stream, for good")
    func oversized() throws {
        var framer = RFC4571Framer(maximumFrameLength: 2048)
        let largest = [UInt8](repeating: 0x80, count: 2048)
        framer.append(Self.framed(largest))
        #expect(try Self.frames(&framer) == [largest])

        framer.append([0x08, 0x01])   // 2049: rejected on the header alone
        #expect(throws: RFC4571FramingError.oversized(length: 2049, maximum: 2048)) { try framer.nextFrame() }
        #expect(framer.failure == .oversized(length: 2049, maximum: 2048))
        framer.append(Self.framed(Self.stun))   // nothing after an error is read
        #expect(throws: RFC4571FramingError.oversized(length: 2049, maximum: 2048)) { try framer.nextFrame() }
        #expect(framer.bufferedByteCount == 2)
    }

    @Test("the default limit is the UDP receive size; 65535 is RFC 4571's ceiling")
    func limits() throws {
        #expect(RFC4571Framer().maximumFrameLength == 2048)
        #expect(RFC4571Framer(maximumFrameLength: 1 << 20).maximumFrameLength == 65535)
        var framer = RFC4571Framer()
        framer.append([0xFF, 0xFF])
        #expect(throws: RFC4571FramingError.oversized(length: 65535, maximum: 2048)) { try framer.nextFrame() }
    }

    @Test("a zero length is an error (no packet on the media port is empty)")
    func emptyFrame() throws {
        var framer = RFC4571Framer()
        framer.append(Self.framed(Self.stun) + [0, 0] + Self.framed(Self.stun))
        #expect(try framer.nextFrame().map(Array.init) == Self.stun)
        #expect(throws: RFC4571FramingError.emptyFrame) { try framer.nextFrame() }
        #expect(RFC4571FramingError.emptyFrame.label == "empty_frame")
    }

    @Test("what Parley sends: the length, then the packet")
    func framing() throws {
        #expect(RFC4571Framer.header(forLength: 1200) == [0x04, 0xB0])
        #expect(RFC4571Framer.header(forLength: 65535) == [0xFF, 0xFF])
        #expect(RFC4571Framer.header(forLength: 65536) == nil)
        #expect(RFC4571Framer.header(forLength: 0) == nil)
        let out = Self.rtp.withUnsafeBytes { RFC4571Framer.frame($0) }
        #expect(out == Self.framed(Self.rtp))
        var framer = RFC4571Framer()
        framer.append(try #require(out))
        #expect(try Self.frames(&framer) == [Self.rtp])
    }
}
