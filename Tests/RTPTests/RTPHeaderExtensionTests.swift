import Testing
@testable import RTP

@Suite("RTP header extensions (RFC 8285)")
struct RTPHeaderExtensionTests {
    static let fixed = "90 6f 12 34 00 00 ab cd 11 22 33 44"

    /// Element ids with their data as hex, as the walk sees them.
    func elements(_ bytes: [UInt8]) throws -> [String] {
        let header = try parse(bytes, RTPHeader.init(parsing:))
        return bytes.withUnsafeBytes { raw in
            header.extensionElements(in: raw).map { "\($0.id):" + hexString(Array(bytes[$0.range])) }
        }
    }

    func element(_ id: UInt8, _ bytes: [UInt8]) throws -> [UInt8]? {
        let header = try parse(bytes, RTPHeader.init(parsing:))
        return bytes.withUnsafeBytes { raw in header.extensionElement(id: id, in: raw).map { Array(bytes[$0]) } }
    }

    @Test("one-byte form: elements, padding bytes between and after")
    func oneByte() throws {
        let bytes = hex(Self.fixed + "be de 00 03  10 8a 00 00  31 01 f4 00  5f 00 01 02")
        // id 5 with L=15 needs 16 data bytes: it overruns and ends the walk.
        #expect(try elements(bytes) == ["1:8a", "3:01 f4"])
        #expect(try element(1, bytes) == [0x8A])
        #expect(try element(3, bytes) == [0x01, 0xF4])
        #expect(try element(5, bytes) == nil)
        #expect(try element(0, bytes) == nil)
    }

    @Test("one-byte form: an element may carry 16 bytes")
    func oneByteLongest() throws {
        let bytes = hex(Self.fixed + "be de 00 05  2f" + String(repeating: " 07", count: 16) + " 00 00 00")
        #expect(try element(2, bytes) == [UInt8](repeating: 7, count: 16))
    }

    @Test("one-byte form: id 15 ends processing (RFC 8285 §4.2)")
    func id15() throws {
        let bytes = hex(Self.fixed + "be de 00 02  10 8a f0 31  01 f4 00 00")
        #expect(try elements(bytes) == ["1:8a"])
        #expect(try element(3, bytes) == nil)
    }

    @Test("one-byte form: id 0 with a length is not padding and ends the walk")
    func id0WithLength() throws {
        let bytes = hex(Self.fixed + "be de 00 02  10 8a 02 31  01 f4 00 00")
        #expect(try elements(bytes) == ["1:8a"])
    }

    @Test("two-byte form: zero-length elements, padding, 255-id")
    func twoByte() throws {
        let bytes = hex(Self.fixed + "10 00 00 03  01 00 02 02  aa bb 00 ff  01 cc 00 00")
        let header = try parse(bytes, RTPHeader.init(parsing:))
        #expect(header.hasTwoByteExtensions)
        #expect(try elements(bytes) == ["1:", "2:aa bb", "255:cc"])
        #expect(try element(1, bytes) == [])
        #expect(try element(255, bytes) == [0xCC])
    }

    @Test("two-byte form with appbits, and truncated elements at the end")
    func twoByteTruncated() throws {
        // appbits 0x5; last byte is an id with no room for its length byte.
        #expect(try elements(hex(Self.fixed + "10 05 00 01  07 01 09 08")) == ["7:09"])
        #expect(try elements(hex(Self.fixed + "10 05 00 01  07 03 09 08")) == [])
    }

    @Test("unknown profiles have no elements")
    func unknownProfile() throws {
        let bytes = hex(Self.fixed + "12 34 00 01  10 8a 00 00")
        #expect(try elements(bytes) == [])
        #expect(try element(1, bytes) == nil)
    }

    @Test("no extension, and a buffer shorter than the parsed one")
    func noExtension() throws {
        let plain = hex("80 6f 12 34 00 00 ab cd 11 22 33 44")
        let header = try parse(plain, RTPHeader.init(parsing:))
        #expect(plain.withUnsafeBytes { header.extensionElement(id: 1, in: $0) } == nil)
        #expect(plain.withUnsafeBytes { Array(header.extensionElements(in: $0)) }.isEmpty)
        let withExtension = try parse(hex(Self.fixed + "be de 00 01 10 8a 00 00"), RTPHeader.init(parsing:))
        #expect(plain.withUnsafeBytes { withExtension.extensionElement(id: 1, in: $0) } == nil)
    }

    @Test("remap one-byte ids: rename, remove, invalid targets removed")
    func remapOneByte() throws {
        var bytes = hex(Self.fixed + "be de 00 03  10 8a 31 01  f4 42 01 02  03 00 00 00")
        let header = try parse(bytes, RTPHeader.init(parsing:))
        var map = RTPExtensionIDMap()
        map[1] = 5 // rename
        map[3] = RTPExtensionIDMap.remove
        map[4] = 15 // not valid in the one-byte form
        bytes.withUnsafeMutableBytes { RTPHeaderWriter.remapExtensionIDs(in: $0, header: header, map: map) }
        #expect(hexString(Array(bytes[16...])) == "50 8a 00 00 00 00 00 00 00 00 00 00")
        #expect(try elements(bytes) == ["5:8a"])
        #expect(bytes.count == 28)
    }

    @Test("remap two-byte ids")
    func remapTwoByte() throws {
        var bytes = hex(Self.fixed + "10 00 00 03  01 00 02 02  aa bb 00 ff  01 cc 00 00")
        let header = try parse(bytes, RTPHeader.init(parsing:))
        let map = RTPExtensionIDMap([1: 200, 255: 3])
        bytes.withUnsafeMutableBytes { RTPHeaderWriter.remapExtensionIDs(in: $0, header: header, map: map) }
        #expect(try elements(bytes) == ["200:", "3:cc"])
        #expect(hexString(Array(bytes[16...])) == "c8 00 00 00 00 00 00 03 01 cc 00 00")
    }

    @Test("identity and keeping maps, and a short buffer map")
    func otherMaps() throws {
        let original = hex(Self.fixed + "be de 00 02  10 8a 31 01  f4 00 00 00")
        let header = try parse(original, RTPHeader.init(parsing:))
        var bytes = original
        bytes.withUnsafeMutableBytes { RTPHeaderWriter.remapExtensionIDs(in: $0, header: header, map: .identity) }
        #expect(bytes == original)
        bytes.withUnsafeMutableBytes { RTPHeaderWriter.remapExtensionIDs(in: $0, header: header, map: RTPExtensionIDMap(keeping: [3])) }
        #expect(try elements(bytes) == ["3:01 f4"])
        // A table of 2 entries: id 1 → 9, id 3 is beyond the table and removed.
        bytes = original
        let table: [UInt8] = [0, 9]
        table.withUnsafeBufferPointer { map in
            bytes.withUnsafeMutableBytes { RTPHeaderWriter.remapExtensionIDs(in: $0, header: header, map: map) }
        }
        #expect(try elements(bytes) == ["9:8a"])
    }

    @Test("remap leaves unknown profiles alone")
    func remapUnknownProfile() throws {
        let original = hex(Self.fixed + "12 34 00 01  10 8a 00 00")
        var bytes = original
        let header = try parse(bytes, RTPHeader.init(parsing:))
        bytes.withUnsafeMutableBytes { RTPHeaderWriter.remapExtensionIDs(in: $0, header: header, map: RTPExtensionIDMap()) }
        #expect(bytes == original)
    }

    @Test("audio level (RFC 6464) and transport-wide sequence number elements")
    func elementValues() throws {
        var bytes = hex(Self.fixed + "be de 00 02  10 8a 31 01  f4 00 00 00")
        let header = try parse(bytes, RTPHeader.init(parsing:))
        let level = try #require(bytes.withUnsafeBytes { raw in
            header.extensionElement(id: 1, in: raw).flatMap { AudioLevel(element: UnsafeRawBufferPointer(rebasing: raw[$0])) }
        })
        #expect(level == AudioLevel(voiceActivity: true, level: 10))
        #expect(level.dBov == -10 && level.byte == 0x8A)
        #expect(AudioLevel(element: UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
        #expect(AudioLevel(voiceActivity: false, level: 200).level == 127)

        let range = try #require(bytes.withUnsafeBytes { header.extensionElement(id: 3, in: $0) })
        let sequence = bytes.withUnsafeBytes { TransportWideSequenceNumber(element: UnsafeRawBufferPointer(rebasing: $0[range])) }
        #expect(sequence == TransportWideSequenceNumber(500))
        let wrote = bytes.withUnsafeMutableBytes {
            TransportWideSequenceNumber.write(0xABCD, into: UnsafeMutableRawBufferPointer(rebasing: $0[range]))
        }
        #expect(wrote)
        #expect(bytes[range] == [0xAB, 0xCD])
        let short: [UInt8] = [1]
        #expect(short.withUnsafeBytes { TransportWideSequenceNumber(element: $0) } == nil)
        var shortMutable = short
        #expect(!shortMutable.withUnsafeMutableBytes { TransportWideSequenceNumber.write(1, into: $0) })
    }
}
