import NIOCore
import Testing
@testable import SFU

/// The packets kept to answer NACKs.
@Suite struct PacketCacheTests {
    @Test("a stored packet is a copy the size of the packet, not the 2 KiB receive buffer it came in, and is found by sequence")
    func storesCompactCopies() throws {
        var received = ByteBufferAllocator().buffer(capacity: 2048)
        received.writeBytes([UInt8](repeating: 0xAB, count: 300))
        var cache = PacketCache()
        cache.store(received, sequence: 7, now: .now())
        let kept = try #require(cache.packet(sequence: 7))
        #expect(kept.readableBytesView.elementsEqual(received.readableBytesView))
        #expect(kept.capacity < 1024, "the copy holds the packet, not the receive buffer")
        // The receive buffer may be reused: the copy does not change with it.
        received.setBytes([UInt8](repeating: 0, count: 300), at: received.readerIndex)
        #expect(kept.readableBytesView.allSatisfy { $0 == 0xAB })
        #expect(cache.packet(sequence: 8) == nil)
        // 1,024 packets later the slot holds the newer one.
        cache.store(received, sequence: 7 &+ 1024, now: .now())
        #expect(cache.packet(sequence: 7) == nil)
        #expect(cache.packet(sequence: 7 &+ 1024) != nil)
    }

    @Test("packets stored more than a second ago are dropped when the cache expires, the newer ones kept")
    func oldPacketsExpire() throws {
        var packet = ByteBufferAllocator().buffer(capacity: 100)
        packet.writeBytes([UInt8](repeating: 1, count: 100))
        var cache = PacketCache()
        let start = NIODeadline.uptimeNanoseconds(10_000_000_000)
        for i in 0..<100 { cache.store(packet, sequence: UInt16(i), now: start + .milliseconds(Int64(i) * 10)) }
        // At 1.5 s: the packets of the first 0.5 s are over a second old.
        cache.expire(now: start + .milliseconds(1_500))
        #expect((0..<50).allSatisfy { cache.packet(sequence: UInt16($0)) == nil })
        #expect((51..<100).allSatisfy { cache.packet(sequence: UInt16($0)) != nil })
    }
}
