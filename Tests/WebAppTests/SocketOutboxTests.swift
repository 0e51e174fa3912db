import Synchronization
import Testing
@testable import WebApp

/// A WebSocket's outbound queue: bounded, and a client that falls behind is
/// disconnected rather than silently missing messages.
@Suite("Socket outbox")
struct SocketOutboxTests {
    @Test("a client that stops reading is cut off after what fits, never given a gap")
    func overflowEndsTheStream() async {
        let overflows = Atomic<Int>(0)
        let outbox = SocketOutbox(limit: 3) { overflows.add(1, ordering: .relaxed) }
        for n in 1...6 { outbox.yield("m\(n)") }
        #expect(outbox.fellBehind)
        #expect(overflows.load(ordering: .relaxed) == 1, "told once, however many more messages arrive")
        var received: [String] = []
        for await text in outbox.messages { received.append(text) }
        // What fitted, in order, and then the end: the client reconnects
        // instead of carrying on without m4 (say, a subscribe.offer).
        #expect(received == ["m1", "m2", "m3"])
    }

    @Test("a client that keeps up gets everything and stays connected")
    func keepingUp() async {
        let outbox = SocketOutbox(limit: 2) { Issue.record("no overflow expected") }
        var received: [String] = []
        var iterator = outbox.messages.makeAsyncIterator()
        for n in 1...10 {
            outbox.yield("m\(n)")
            if let text = await iterator.next() { received.append(text) }
        }
        outbox.finish()
        #expect(await iterator.next() == nil)
        #expect(received == (1...10).map { "m\($0)" })
        #expect(!outbox.fellBehind)
    }
}
