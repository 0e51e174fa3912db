import Testing
@testable import RTP

@Suite("RTCP feedback: NACK, PLI, FIR, REMB (RFC 4585, RFC 5104, REMB draft)")
struct RTCPFeedbackTests {
    static let nack = hex("81 cd 00 03  00 00 00 01  11 22 33 44  00 64 00 05")
    static let pli = hex("81 ce 00 02  00 00 00 01  11 22 33 44")
    static let fir = hex("84 ce 00 06  00 00 00 01  00 00 00 00  11 22 33 44  07 00 00 00  55 66 77 88  ff 00 00 00")
    static let remb = hex("8f ce 00 05  00 00 00 01  00 00 00 00  52 45 4d 42  01 0b d0 90  11 22 33 44")

    @Test("generic NACK: PID + BLP pairs expand to lost sequence numbers")
    func nack() throws {
        let nack = try parse(Self.nack, GenericNACK.init(parsing:))
        #expect(nack == GenericNACK(senderSSRC: 1, mediaSSRC: 0x1122_3344, lostSequenceNumbers: [100, 101, 103]))
        #expect(serialized(nack.append) == Self.nack)
    }

    @Test("NACK writer builds minimal pairs from a sorted list, across the wrap")
    func nackPairs() throws {
        let nack = GenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [65534, 65535, 0, 1, 14, 15, 16, 40])
        let pairs = nack.pairs
        #expect(pairs.map(\.pid) == [65534, 15, 40])
        #expect(pairs.map(\.blp) == [0b1000_0000_0000_0111, 0b1, 0])
        let bytes = serialized(nack.append)
        #expect(hexString(Array(bytes[12...])) == "ff fe 80 07 00 0f 00 01 00 28 00 00")
        #expect(try parse(bytes, GenericNACK.init(parsing:)).lostSequenceNumbers == nack.lostSequenceNumbers)
        // A full BLP covers 17 numbers in one pair; repeats are dropped.
        let full = GenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [10, 10] + Array(11...26))
        #expect(full.pairs.count == 1 && full.pairs[0].blp == 0xFFFF)
        #expect(try parse(serialized(full.append), GenericNACK.init(parsing:)).lostSequenceNumbers == Array(10...26))
        // Unsorted input is still covered, with more pairs.
        let unsorted = GenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [30, 5, 31])
        #expect(Set(try parse(serialized(unsorted.append), GenericNACK.init(parsing:)).lostSequenceNumbers) == [5, 30, 31])
        #expect(GenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: []).pairs.isEmpty)
    }

    @Test("PLI")
    func pli() throws {
        let pli = try parse(Self.pli, PictureLossIndication.init(parsing:))
        #expect(pli == PictureLossIndication(senderSSRC: 1, mediaSSRC: 0x1122_3344))
        #expect(serialized(pli.append) == Self.pli)
    }

    @Test("FIR with two entries")
    func fir() throws {
        let fir = try parse(Self.fir, FullIntraRequest.init(parsing:))
        #expect(fir.senderSSRC == 1)
        #expect(fir.entries.map(\.ssrc) == [0x1122_3344, 0x5566_7788])
        #expect(fir.entries.map(\.sequence) == [7, 255])
        #expect(fir == FullIntraRequest(senderSSRC: 1, entries: [(0x1122_3344, 7), (0x5566_7788, 255)]))
        #expect(fir != FullIntraRequest(senderSSRC: 1, entries: [(0x1122_3344, 8), (0x5566_7788, 255)]))
        #expect(serialized(fir.append) == Self.fir)
    }

    @Test("REMB: 1 Mbit/s as mantissa 250000 × 2^2")
    func remb() throws {
        let remb = try parse(Self.remb, ReceiverEstimatedMaxBitrate.init(parsing:))
        #expect(remb == ReceiverEstimatedMaxBitrate(senderSSRC: 1, bitrate: 1_000_000, ssrcs: [0x1122_3344]))
        #expect(serialized(remb.append) == Self.remb)
    }

    @Test("REMB writer rounds down to 18 significant bits", arguments: [
        (UInt64(0), UInt64(0)), (262_143, 262_143), (262_144, 262_144), (262_145, 262_144),
        (1_000_001, 1_000_000), (UInt64.max, (UInt64(1) << 18 - 1) << 46),
    ])
    func rembRounding(_ bitrate: UInt64, _ expected: UInt64) throws {
        let remb = ReceiverEstimatedMaxBitrate(senderSSRC: 1, bitrate: bitrate, ssrcs: [])
        #expect(try parse(serialized(remb.append), ReceiverEstimatedMaxBitrate.init(parsing:)).bitrate == expected)
    }

    @Test("malformed feedback throws", arguments: [
        ("81 cd 00 01 00 00 00 01", "NACK", RTCPParseError.tooShort),
        ("82 cd 00 02 00 00 00 01 00 00 00 02", "NACK", .badPacketType),   // FMT 2
        ("81 ce 00 02 00 00 00 01 00 00 00 02", "NACK", .badPacketType),   // PSFB
        ("81 ce 00 01 00 00 00 01", "PLI", .tooShort),
        ("84 ce 00 02 00 00 00 01 00 00 00 02", "PLI", .badPacketType),
        ("84 ce 00 01 00 00 00 01", "FIR", .tooShort),
        ("8f ce 00 03 00 00 00 01 00 00 00 00 52 45 4d 42", "REMB", .tooShort),
        ("8f ce 00 04 00 00 00 01 00 00 00 00 41 42 43 44 00 00 00 00", "REMB", .badPacketType),
        ("8f ce 00 04 00 00 00 01 00 00 00 00 52 45 4d 42 01 00 00 01", "REMB", .badCount),
        ("8f ce 00 04 00 00 00 01 00 00 00 00 52 45 4d 42 00 ff ff ff", "REMB", .badFeedback),
        ("8f ce 00 04 00 00 00 01 00 00 00 00 52 45 4d 42 00 fc 00 02", "REMB", .badFeedback), // 2 × 2^63
    ])
    func malformed(_ text: String, _ kind: String, _ error: RTCPParseError) {
        #expect(throws: error) {
            switch kind {
            case "NACK": _ = try parse(hex(text), GenericNACK.init(parsing:))
            case "PLI": _ = try parse(hex(text), PictureLossIndication.init(parsing:))
            case "FIR": _ = try parse(hex(text), FullIntraRequest.init(parsing:))
            default: _ = try parse(hex(text), ReceiverEstimatedMaxBitrate.init(parsing:))
            }
        }
    }

    @Test("REMB exponent edge: the largest value that fits parses")
    func rembLargest() throws {
        // exp 46, mantissa 0x3FFFF: (2^18 - 1) × 2^46 < 2^64.
        let bytes = hex("8f ce 00 04 00 00 00 01 00 00 00 00 52 45 4d 42 00 bb ff ff")
        #expect(try parse(bytes, ReceiverEstimatedMaxBitrate.init(parsing:)).bitrate == (1 << 18 - 1) << 46)
        // exp 63, mantissa 1: 2^63 fits.
        let top = hex("8f ce 00 04 00 00 00 01 00 00 00 00 52 45 4d 42 00 fc 00 01")
        #expect(try parse(top, ReceiverEstimatedMaxBitrate.init(parsing:)).bitrate == 1 << 63)
    }

    @Test("every truncation throws")
    func truncations() {
        expectEveryPrefixThrows(Self.nack, GenericNACK.init(parsing:))
        expectEveryPrefixThrows(Self.pli, PictureLossIndication.init(parsing:))
        expectEveryPrefixThrows(Self.fir, FullIntraRequest.init(parsing:))
        expectEveryPrefixThrows(Self.remb, ReceiverEstimatedMaxBitrate.init(parsing:))
    }

    @Test("feedback in a compound packet: RR + REMB + PLI")
    func compound() throws {
        var bytes: [UInt8] = []
        ReceiverReport(ssrc: 1).append(to: &bytes)
        ReceiverEstimatedMaxBitrate(senderSSRC: 1, bitrate: 300_000, ssrcs: [5, 6]).append(to: &bytes)
        PictureLossIndication(senderSSRC: 1, mediaSSRC: 5).append(to: &bytes)
        let kinds = bytes.withUnsafeBytes { raw in
            RTCPCompoundIterator(raw).map { "\($0.packetType)/\($0.count)" }
        }
        #expect(kinds == ["201/0", "206/15", "206/1"])
        let remb = try bytes.withUnsafeBytes { raw throws -> ReceiverEstimatedMaxBitrate in
            var iterator = RTCPCompoundIterator(raw)
            _ = try iterator.nextPacket()
            return try ReceiverEstimatedMaxBitrate(parsing: try #require(try iterator.nextPacket()).bytes(in: raw))
        }
        #expect(remb.ssrcs == [5, 6] && remb.bitrate == 300_000)
    }
}
