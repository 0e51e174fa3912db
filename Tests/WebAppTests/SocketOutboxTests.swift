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

    @Test("a socket's watcher ends the connection a grace period after the overflow, not before")
    func watcherEndsTheConnectionAfterTheOverflow() async throws {
        let outbox = SocketOutbox(limit: 1) {}
        let ended = Atomic<Bool>(false)
        let watcher = Task {
            await outbox.untilOverflow(grace: .milliseconds(200))
            ended.store(true, ordering: .relaxed)
        }
        outbox.yield("fits")
        try await Task.sleep(for: .milliseconds(300))
        let endedEarly = ended.load(ordering: .relaxed)
        #expect(!endedEarly, "a client that keeps up is never cut off")
        let overflowAt = ContinuousClock.now
        outbox.yield("does not fit")
        await watcher.value
        let endedAfter = ended.load(ordering: .relaxed)
        #expect(endedAfter)
        #expect(ContinuousClock.now - overflowAt >= .milliseconds(200), "the client gets the grace period to read the close")
    }

    @Test("the watcher of a socket that closes normally ends when cancelled")
    func watcherEndsOnCancellation() async {
        let outbox = SocketOutbox(limit: 4) {}
        let watcher = Task { await outbox.untilOverflow(grace: .seconds(60)) }
        outbox.finish()
        watcher.cancel()
        await watcher.value
        #expect(!outbox.fellBehind)
    }
}
