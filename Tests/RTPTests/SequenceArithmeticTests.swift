import Testing
@testable import RTP

@Suite("Sequence number and timestamp arithmetic (RFC 3550 App. A.1)")
struct SequenceArithmeticTests {
    @Test("isNewer across the wrap and at exactly half the space")
    func newer() {
        #expect(isNewer(1 as UInt16, than: 0))
        #expect(isNewer(0 as UInt16, than: 65535))
        #expect(!isNewer(65535 as UInt16, than: 0))
        #expect(!isNewer(7 as UInt16, than: 7))
        #expect(isNewer(0x7FFF as UInt16, than: 0))
        // Half-way: the larger raw value wins, so exactly one direction holds.
        #expect(isNewer(0x8000 as UInt16, than: 0))
        #expect(!isNewer(0 as UInt16, than: 0x8000))
        #expect(isNewer(0x8005 as UInt16, than: 5) != isNewer(5 as UInt16, than: 0x8005))
        #expect(isNewer(0 as UInt32, than: 0xFFFF_FFFF))
        #expect(!isNewer(0xFFFF_FFFF as UInt32, than: 0))
        #expect(isNewer(0x8000_0000 as UInt32, than: 0))
        #expect(!isNewer(0 as UInt32, than: 0x8000_0000))
        #expect(RTPSequence.distance(from: 65535 as UInt16, to: 2) == 3)
        #expect(RTPSequence.distance(from: 2 as UInt16, to: 65535) == -3)
        #expect(RTPSequence.distance(from: 10 as UInt32, to: 0xFFFF_FFFF) == -11)
    }

    @Test("antisymmetry for all 16-bit distances")
    func antisymmetry() {
        for distance in 1...65535 {
            let a = UInt16(truncatingIfNeeded: 1000 + distance)
            #expect(isNewer(a, than: 1000) != isNewer(1000, than: a))
        }
    }

    @Test("sequence unwrapper across wraps, with reordering and duplicates")
    func unwrapSequence() {
        var unwrapper = SequenceNumberUnwrapper()
        let input: [UInt16] = [65533, 65535, 65534, 0, 2, 1, 1, 32768, 65535, 0, 0]
        let output = input.map { unwrapper.unwrap($0) }
        #expect(output == [65533, 65535, 65534, 65536, 65538, 65537, 65537, 98304, 131071, 131072, 131072])
        #expect(unwrapper.peek(5) == 131077)
        var early = SequenceNumberUnwrapper()
        #expect(early.unwrap(5) == 5)
        #expect(early.unwrap(65530) == -6) // older than the first packet
    }

    @Test("timestamp unwrapper across the 32-bit wrap")
    func unwrapTimestamp() {
        var unwrapper = TimestampUnwrapper()
        #expect(unwrapper.unwrap(0xFFFF_FF00) == 0xFFFF_FF00)
        #expect(unwrapper.unwrap(0x0000_0100) == 0x1_0000_0100)
        #expect(unwrapper.unwrap(0xFFFF_FFF0) == 0xFFFF_FFF0)
        // 0x8000_0010 ahead is more than half: it is older.
        #expect(unwrapper.unwrap(0x8000_0000) == 0x8000_0000)
    }
}
