import Testing
@testable import RTP

@Suite("RTCP reports, SDES, BYE and compound packets (RFC 3550 §6)")
struct RTCPReportTests {
    static let block = ReportBlock(ssrc: 0x5566_7788, fractionLost: 25, cumulativeLost: -2, highestSequence: 0x0001_1000,
                                   jitter: 42, lastSR: 0x2B1A_8000, delaySinceLastSR: 0x0001_0000)
    static let blockBytes = "55 66 77 88  19 ff ff fe  00 01 10 00  00 00 00 2a  2b 1a 80 00  00 01 00 00"

    static let senderReport = hex("""
        81 c8 00 0c  11 22 33 44  e8 4f 2b 1a  80 00 00 00
        00 01 e2 40  00 00 00 64  00 00 3e 80
        """ + blockBytes)
    static let receiverReport = hex("81 c9 00 07  11 22 33 44 " + blockBytes)
    static let emptyReceiverReport = hex("80 c9 00 01  11 22 33 44")
    static let sdes = hex("81 ca 00 03  11 22 33 44  01 03 61 62 63 00 00 00")
    static let bye = hex("82 cb 00 04  11 22 33 44  55 66 77 88  04 62 79 65  21 00 00 00")

    @Test("sender report with one block")
    func senderReport() throws {
        let sr = try parse(Self.senderReport, SenderReport.init(parsing:))
        #expect(sr == SenderReport(ssrc: 0x1122_3344, ntpTimestamp: 0xE84F_2B1A_8000_0000, rtpTimestamp: 123_456,
                                   packetCount: 100, octetCount: 16000, reportBlocks: [Self.block]))
        #expect(sr.compactNTP == 0x2B1A_8000)
        #expect(serialized(sr.append) == Self.senderReport)
    }

    @Test("receiver reports, with and without blocks")
    func receiverReport() throws {
        let rr = try parse(Self.receiverReport, ReceiverReport.init(parsing:))
        #expect(rr == ReceiverReport(ssrc: 0x1122_3344, reportBlocks: [Self.block]))
        #expect(serialized(rr.append) == Self.receiverReport)
        let empty = try parse(Self.emptyReceiverReport, ReceiverReport.init(parsing:))
        #expect(empty.reportBlocks.isEmpty)
        #expect(serialized(empty.append) == Self.emptyReceiverReport)
    }

    @Test("report block: 24-bit signed cumulative loss, clamped when written")
    func reportBlock() throws {
        let parsed = try parse(hex(Self.blockBytes), ReportBlock.init(parsing:))
        #expect(parsed == Self.block)
        var big = Self.block
        big.cumulativeLost = 10_000_000
        let bytes = serialized(big.append)
        #expect(hexString(Array(bytes[5..<8])) == "7f ff ff")
        big.cumulativeLost = -10_000_000
        #expect(try parse(serialized(big.append), ReportBlock.init(parsing:)).cumulativeLost == -0x80_0000)
        expectEveryPrefixThrows(hex(Self.blockBytes), ReportBlock.init(parsing:))
    }

    @Test("writers cap 5-bit counts at 31")
    func counts() throws {
        let many = ReceiverReport(ssrc: 1, reportBlocks: Array(repeating: Self.block, count: 40))
        let rr = try parse(serialized(many.append), ReceiverReport.init(parsing:))
        #expect(rr.reportBlocks.count == 31)
        let sr = SenderReport(ssrc: 1, ntpTimestamp: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0,
                              reportBlocks: Array(repeating: Self.block, count: 32))
        #expect(try parse(serialized(sr.append), SenderReport.init(parsing:)).reportBlocks.count == 31)
        let bye = Goodbye(ssrcs: Array(0..<40))
        #expect(try parse(serialized(bye.append), Goodbye.init(parsing:)).ssrcs == Array(0..<31))
    }

    @Test("SDES with a CNAME")
    func sdes() throws {
        let sdes = try parse(Self.sdes, SourceDescription.init(parsing:))
        #expect(sdes.chunks == [SourceDescription.Chunk(ssrc: 0x1122_3344, cname: "abc")])
        #expect(sdes.chunks.first?.cname == "abc")
        #expect(serialized(sdes.append) == Self.sdes)
    }

    @Test("SDES chunks end with at least one null octet, padded to 32 bits")
    func sdesPadding() throws {
        // Items end on a word boundary: a whole word of nulls follows.
        let value = SourceDescription(chunks: [
            SourceDescription.Chunk(ssrc: 1, items: [SourceDescription.Item(type: SourceDescription.ItemType.cname, text: "ab")]),
            SourceDescription.Chunk(ssrc: 2, items: [
                SourceDescription.Item(type: SourceDescription.ItemType.name, text: "Ann"),
                SourceDescription.Item(type: SourceDescription.ItemType.tool, value: []),
            ]),
            SourceDescription.Chunk(ssrc: 3, items: []),
        ])
        let bytes = serialized(value.append)
        #expect(hexString(bytes) == """
            83 ca 00 08 00 00 00 01 01 02 61 62 00 00 00 00 00 00 00 02 02 03 41 6e 6e 06 00 00 00 00 00 03 00 00 00 00
            """)
        #expect(try parse(bytes, SourceDescription.init(parsing:)) == value)
        // Values are cut to 255 bytes; type-0 items cannot be written.
        let long = SourceDescription(chunks: [SourceDescription.Chunk(ssrc: 1, items: [
            SourceDescription.Item(type: 1, value: Array(repeating: 0x41, count: 300)),
            SourceDescription.Item(type: 0, value: [1]),
        ])])
        let parsed = try parse(serialized(long.append), SourceDescription.init(parsing:))
        #expect(parsed.chunks[0].items.count == 1 && parsed.chunks[0].items[0].value.count == 255)
    }

    @Test("BYE with and without a reason")
    func bye() throws {
        let bye = try parse(Self.bye, Goodbye.init(parsing:))
        #expect(bye == Goodbye(ssrcs: [0x1122_3344, 0x5566_7788], reasonText: "bye!"))
        #expect(bye.reasonText == "bye!")
        #expect(serialized(bye.append) == Self.bye)
        let plain = hex("81 cb 00 01 11 22 33 44")
        #expect(try parse(plain, Goodbye.init(parsing:)) == Goodbye(ssrcs: [0x1122_3344]))
        #expect(serialized(Goodbye(ssrcs: [0x1122_3344], reason: []).append) == plain)
        #expect(serialized(Goodbye(ssrcs: [], reasonText: "abc").append) == hex("80 cb 00 01 03 61 62 63"))
    }

    @Test("P bit padding is stripped; a bad count is rejected")
    func padding() throws {
        let padded = hex("a0 c9 00 02  11 22 33 44  00 00 00 04")
        #expect(try parse(padded, ReceiverReport.init(parsing:)) == ReceiverReport(ssrc: 0x1122_3344))
        #expect(throws: RTCPParseError.badPadding) { try parse(hex("a0 c9 00 02 11 22 33 44 00 00 00 00"), ReceiverReport.init(parsing:)) }
        #expect(throws: RTCPParseError.badPadding) { try parse(hex("a0 c9 00 02 11 22 33 44 00 00 00 09"), ReceiverReport.init(parsing:)) }
        // Padding that eats into the SSRC leaves too short a body.
        #expect(throws: RTCPParseError.tooShort) { try parse(hex("a0 c9 00 02 11 22 33 44 00 00 00 05"), ReceiverReport.init(parsing:)) }
    }

    @Test("malformed packets throw the matching error", arguments: [
        ("80 c9 00", RTCPParseError.tooShort),
        ("40 c9 00 01 11 22 33 44", .badVersion),
        ("c0 c9 00 01 11 22 33 44", .badVersion),
        ("80 c9 00 02 11 22 33 44", .badLength),
        ("80 c8 00 01 11 22 33 44", .badPacketType),
        ("80 c9 00 00", .tooShort),
        ("81 c9 00 01 11 22 33 44", .badCount),
    ])
    func malformedReports(_ text: String, _ error: RTCPParseError) {
        #expect(throws: error) { try parse(hex(text), ReceiverReport.init(parsing:)) }
    }

    @Test("malformed SR, SDES and BYE", arguments: [
        ("81 c8 00 06 11 22 33 44 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", "SR", RTCPParseError.badCount),
        ("80 c8 00 05 11 22 33 44 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", "SR", .tooShort),
        ("81 ca 00 02 11 22 33 44 01 02 61 62", "SDES", .badItem),       // no null terminator
        ("81 ca 00 02 11 22 33 44 01 09 61 62", "SDES", .badItem),       // item past the end
        ("81 ca 00 02 11 22 33 44 01 01 61 07", "SDES", .badItem),       // a lone type byte at the end
        ("82 ca 00 02 11 22 33 44 00 00 00 00", "SDES", .badCount),      // second chunk missing
        ("82 cb 00 01 11 22 33 44", "BYE", .badCount),
        ("81 cb 00 02 11 22 33 44 09 62 79 65", "BYE", .badItem),
    ])
    func malformedOthers(_ text: String, _ kind: String, _ error: RTCPParseError) {
        #expect(throws: error) {
            switch kind {
            case "SR": _ = try parse(hex(text), SenderReport.init(parsing:))
            case "SDES": _ = try parse(hex(text), SourceDescription.init(parsing:))
            default: _ = try parse(hex(text), Goodbye.init(parsing:))
            }
        }
    }

    @Test("every truncation throws")
    func truncations() {
        expectEveryPrefixThrows(Self.senderReport, SenderReport.init(parsing:))
        expectEveryPrefixThrows(Self.receiverReport, ReceiverReport.init(parsing:))
        expectEveryPrefixThrows(Self.sdes, SourceDescription.init(parsing:))
        expectEveryPrefixThrows(Self.bye, Goodbye.init(parsing:))
    }

    @Test("a compound packet is walked packet by packet without copying")
    func compound() throws {
        let compound = Self.senderReport + Self.sdes + Self.bye
        let views = compound.withUnsafeBytes { Array(RTCPCompoundIterator($0)) }
        #expect(views.map(\.packetType) == [200, 202, 203])
        #expect(views.map(\.count) == [1, 1, 2])
        #expect(views.map(\.range) == [0..<52, 52..<68, 68..<88])
        try compound.withUnsafeBytes { (raw) throws -> Void in
            #expect(try RTCPCompoundIterator.validate(raw) == 3)
            #expect(try SourceDescription(parsing: views[1].bytes(in: raw)).chunks[0].cname == "abc")
            #expect(try Goodbye(parsing: views[2].bytes(in: raw)).ssrcs.count == 2)
        }
        #expect(hex("").withUnsafeBytes { Array(RTCPCompoundIterator($0)) }.isEmpty)
    }

    @Test("a bad length mid-compound stops the walk with an error")
    func compoundErrors() throws {
        var compound = Self.emptyReceiverReport + hex("81 ca 00 09 11 22 33 44")
        compound.withUnsafeBytes { raw in
            var iterator = RTCPCompoundIterator(raw)
            #expect(iterator.next()?.packetType == 201)
            #expect(iterator.next() == nil)
            #expect(iterator.error == .badLength)
            #expect(iterator.next() == nil)
            #expect(throws: RTCPParseError.badLength) { try RTCPCompoundIterator.validate(raw) }
            var throwing = RTCPCompoundIterator(raw)
            #expect(try! throwing.nextPacket() != nil)
            #expect(throws: RTCPParseError.badLength) { try throwing.nextPacket() }
        }
        compound = Self.emptyReceiverReport + [0x80, 0xc9]
        #expect(throws: RTCPParseError.tooShort) { try compound.withUnsafeBytes { try RTCPCompoundIterator.validate($0) } }
        compound = Self.emptyReceiverReport + hex("00 c9 00 00")
        #expect(throws: RTCPParseError.badVersion) { try compound.withUnsafeBytes { try RTCPCompoundIterator.validate($0) } }
    }

    @Test("RTCP header round trip")
    func header() throws {
        let header = try parse(hex("a5 cd 00 00"), RTCPHeader.init(parsing:))
        #expect(header == RTCPHeader(padding: true, count: 5, packetType: 205, length: 0))
        #expect(header.packetLength == 4)
        #expect(serialized(header.append) == hex("a5 cd 00 00"))
    }
}
