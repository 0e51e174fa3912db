import Testing
@testable import RTP

@Suite("Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1)")
struct TransportFeedbackTests {
    typealias Packet = (sequence: UInt16, receivedDeltaMicros: Int64?)

    /// Three packets received 1 ms, 2 ms, 0 ms apart: one run-length chunk of
    /// small deltas, padded with the P bit as libwebrtc does.
    static let runLength = hex("""
        af cd 00 06  00 00 00 01  11 22 33 44  00 64 00 03
        00 00 10 07  20 03 04 08  00 00 00 03
        """)

    /// Ten packets from 0xfffe (wrapping): a two-bit vector with small, large,
    /// negative and missing entries, then a run of three lost; zero-padded
    /// without the P bit, reference time -1.
    static let mixed = hex("""
        8f cd 00 07  00 00 00 01  11 22 33 44  ff fe 00 0a
        ff ff ff 00  d8 52 00 03  10 ff fc 00  01 01 90 00
        """)

    func feedback(_ packets: [Packet], base: UInt16 = 100) -> TransportFeedback {
        TransportFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequence: base, referenceTime: 0,
                          feedbackPacketCount: 0, packets: packets)
    }

    /// The packet chunks and deltas the builder writes (bytes after the fixed part,
    /// padding removed), checking that what it wrote parses and writes again the same.
    func chunksAndDeltas(_ value: TransportFeedback) throws -> String {
        let bytes = serialized(value.append)
        let padding = bytes[0] & 0x20 != 0 ? Int(bytes[bytes.count - 1]) : 0
        let parsed = try parse(bytes, TransportFeedback.init(parsing:))
        #expect(serialized(parsed.append) == bytes, "parse and write again")
        #expect(parsed.arrivalTimesMicros.map(\.sequence) == value.packets.filter { $0.receivedDeltaMicros != nil }.map(\.sequence))
        return hexString(Array(bytes[20..<(bytes.count - padding)]))
    }

    @Test("run-length chunk of small deltas")
    func runLength() throws {
        let value = try parse(Self.runLength, TransportFeedback.init(parsing:))
        #expect(value.senderSSRC == 1 && value.mediaSSRC == 0x1122_3344)
        #expect(value.baseSequence == 100 && value.referenceTime == 16 && value.feedbackPacketCount == 7)
        #expect(value.packets.map(\.sequence) == [100, 101, 102])
        #expect(value.packets.map(\.receivedDeltaMicros) == [1000, 2000, 0])
        #expect(serialized(value.append) == Self.runLength)
    }

    @Test("two-bit vector with large and negative deltas, wrap-around, zero padding")
    func mixed() throws {
        let value = try parse(Self.mixed, TransportFeedback.init(parsing:))
        #expect(value.referenceTime == -1)
        #expect(value.packets.map(\.sequence) == [0xFFFE, 0xFFFF, 0, 1, 2, 3, 4, 5, 6, 7])
        #expect(value.packets.map(\.receivedDeltaMicros) == [4000, -1000, nil, 0, 250, nil, 100_000, nil, nil, nil])
        // Written back with the same chunks, padded with the P bit instead.
        var expected = Self.mixed
        expected[0] = 0xAF
        expected[expected.count - 1] = 0x01
        #expect(hexString(serialized(value.append)) == hexString(expected))
        #expect(value.arrivalTimesMicros.map(\.arrivalMicros) == [-60_000, -61_000, -61_000, -60_750, 39_250])
    }

    @Test("symbols in the last chunk beyond the status count are ignored")
    func extraSymbols() throws {
        let bytes = hex("8f cd 00 05  00 00 00 01  00 00 00 02  00 00 00 02  00 00 00 00  b8 00 01 02")
        let value = try parse(bytes, TransportFeedback.init(parsing:))
        #expect(value.packets.map(\.receivedDeltaMicros) == [250, 500])
    }

    @Test("a gap becomes a one-bit vector")
    func gap() throws {
        let value = feedback([(100, 250), (102, 500)])
        #expect(try chunksAndDeltas(value) == "a8 00 01 02")
        let parsed = try parse(serialized(value.append), TransportFeedback.init(parsing:))
        #expect(parsed.packets.map(\.receivedDeltaMicros) == [250, nil, 500])
        #expect(hexString(serialized(value.append)) == "8f cd 00 05 00 00 00 01 00 00 00 02 00 64 00 03 00 00 00 00 a8 00 01 02")
    }

    @Test("a large delta needs a two-bit vector and two bytes")
    func largeDelta() throws {
        #expect(try chunksAndDeltas(feedback([(1, 250), (2, 100_000), (3, 250)], base: 1)) == "d9 00 01 01 90 01")
        #expect(try chunksAndDeltas(feedback([(1, -250)], base: 1)) == "40 01 ff ff")
        #expect(try chunksAndDeltas(feedback([(1, 63_750), (2, 64_000)], base: 1)) == "d8 00 ff 01 00")
        // Beyond ±8191.75 ms is clamped.
        #expect(try parse(serialized(feedback([(1, 9_000_000)], base: 1).append), TransportFeedback.init(parsing:))
                    .packets[0].receivedDeltaMicros == 8_191_750)
    }

    @Test("more than 14 packets: run-length, one-bit and mixed chunks")
    func manyPackets() throws {
        let received: [Packet] = (0..<20).map { (UInt16(100 + $0), 1000) }
        #expect(try chunksAndDeltas(feedback(received)) == "20 14 " + Array(repeating: "04", count: 20).joined(separator: " "))

        let alternate: [Packet] = (0..<20).map { (UInt16(100 + $0), $0 % 2 == 0 ? 250 : nil) }
        #expect(try chunksAndDeltas(feedback(alternate)).hasPrefix("aa aa aa 00 01 01"))

        // 10 small, 15 lost, 5 large.
        var mixed: [Packet] = (0..<10).map { (UInt16(100 + $0), 250) }
        mixed += (10..<25).map { (UInt16(100 + $0), nil) }
        mixed += (25..<30).map { (UInt16(100 + $0), 70_000) }
        let text = try chunksAndDeltas(feedback(mixed))
        #expect(text.hasPrefix("bf f0 00 0b 40 05 01 01"))

        // Only received packets listed: the gaps are filled in.
        let sparse = feedback(mixed.filter { $0.receivedDeltaMicros != nil })
        #expect(serialized(sparse.append) == serialized(feedback(mixed).append))
    }

    @Test("runs longer than 8191 take several run-length chunks")
    func longRun() throws {
        // A one-bit vector for the first 14, then 8191 + 796 lost, then one received.
        let value = feedback([(100, 250), (UInt16(100 + 9001), 500)])
        #expect(try chunksAndDeltas(value) == "a0 00 1f ff 03 1c 20 01 01 02")
        let parsed = try parse(serialized(value.append), TransportFeedback.init(parsing:))
        #expect(parsed.packets.count == 9002)
    }

    @Test("the builder rounds deltas to 250 µs and skips packets out of order")
    func rounding() throws {
        #expect(try chunksAndDeltas(feedback([(100, 1100), (101, 1125), (102, -124), (103, -125)]))
                    == "d5 80 04 05 00 ff ff")
        let disordered = feedback([(101, 250), (100, 500), (101, 750), (103, 1000)])
        let parsed = try parse(serialized(disordered.append), TransportFeedback.init(parsing:))
        #expect(parsed.packets.map(\.receivedDeltaMicros) == [nil, 250, nil, 1000])
        #expect(try parse(serialized(feedback([]).append), TransportFeedback.init(parsing:)).packets.isEmpty)
    }

    @Test("building from arrival times keeps deltas on the 250 µs grid")
    func arrivals() throws {
        let value = TransportFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequence: 100, feedbackPacketCount: 3,
                                      arrivals: [(100, 1_000_000), (102, 1_000_300), (103, 1_100_000)])
        #expect(value.referenceTime == 15)
        #expect(value.packets.map(\.receivedDeltaMicros) == [40_000, 250, 99_750])
        #expect(value.arrivalTimesMicros.map(\.arrivalMicros) == [1_000_000, 1_000_250, 1_100_000])
        let parsed = try parse(serialized(value.append), TransportFeedback.init(parsing:))
        #expect(parsed.arrivalTimesMicros.map(\.sequence) == [100, 102, 103])
        #expect(parsed.packets.count == 4)
        // Negative clocks round down, and the 24-bit reference time wraps.
        let early = TransportFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequence: 0, feedbackPacketCount: 0,
                                      arrivals: [(0, -1)])
        #expect(early.referenceTime == -1 && early.packets[0].receivedDeltaMicros == 63_750)
        let late = TransportFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequence: 0, feedbackPacketCount: 0,
                                     arrivals: [(0, 0x80_0000 * 64_000)])
        #expect(late.referenceTime == -0x80_0000)
    }

    @Test("malformed feedback throws", arguments: [
        ("8f cd 00 03 00 00 00 01 00 00 00 02 00 64 00 03", RTCPParseError.tooShort),
        ("8e cd 00 04 00 00 00 01 00 00 00 02 00 64 00 03 00 00 00 00", .badPacketType),
        ("8f cd 00 04 00 00 00 01 00 00 00 02 00 64 00 03 00 00 00 00", .badFeedback),  // no chunks
        ("8f cd 00 05 00 00 00 01 00 00 00 02 00 64 00 03 00 00 00 00 20 03 04 08", .badFeedback), // a delta short
        ("8f cd 00 05 00 00 00 01 00 00 00 02 00 64 00 01 00 00 00 00 60 01 00 00", .badFeedback), // reserved symbol
        ("af cd 00 05 00 00 00 01 00 00 00 02 00 64 00 01 00 00 00 00 40 01 00 02", .badFeedback), // large delta in the padding
        ("af cd 00 05 00 00 00 01 00 00 00 02 00 64 00 02 00 00 00 00 d4 00 01 02", .badFeedback), // deltas in the padding
        ("af cd 00 05 00 00 00 01 00 00 00 02 00 64 00 01 00 00 00 00 40 01 00 00", .badPadding),
    ])
    func malformed(_ text: String, _ error: RTCPParseError) {
        #expect(throws: error) { try parse(hex(text), TransportFeedback.init(parsing:)) }
    }

    @Test("every truncation throws")
    func truncations() {
        expectEveryPrefixThrows(Self.runLength, TransportFeedback.init(parsing:))
        expectEveryPrefixThrows(Self.mixed, TransportFeedback.init(parsing:))
    }
}
