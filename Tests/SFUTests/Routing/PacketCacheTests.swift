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
        cache.store(received, sequence: 7)
        let kept = try #require(cache.packet(sequence: 7))
        #expect(kept.readableBytesView.elementsEqual(received.readableBytesView))
        #expect(kept.capacity < 1024, "the copy holds the packet, not the receive buffer")
        // The receive buffer may be reused: the copy does not change with it.
        received.setBytes([UInt8](repeating: 0, count: 300), at: received.readerIndex)
        #expect(kept.readableBytesView.allSatisfy { $0 == 0xAB })
        #expect(cache.packet(sequence: 8) == nil)
        // 1,024 packets later the slot holds the newer one.
        cache.store(received, sequence: 7 &+ 1024)
        #expect(cache.packet(sequence: 7) == nil)
        #expect(cache.packet(sequence: 7 &+ 1024) != nil)
    }
}
