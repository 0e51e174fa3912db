import Logging
import Synchronization

/// The outbound queue of one WebSocket, drained by the socket's writer.
///
/// It is bounded, so a browser that stopped reading cannot grow the server's
/// memory. A client that falls so far behind that the queue fills is
/// disconnected (with a log line and a metric) instead of silently missing
/// the messages that did not fit: a lost `subscribe.offer`, `removed` or
/// presence update would leave it out of step with the room for good, while
/// a closed socket tells it to connect again.
final class SocketOutbox: Sendable {
    /// What the socket sends, in order; it ends after `finish()` or an overflow.
    let messages: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    /// Ends (only) when the queue overflows: see `untilOverflow(grace:)`.
    private let overflowSignal: AsyncStream<Never>
    private let overflowContinuation: AsyncStream<Never>.Continuation
    private let overflowed = Atomic<Bool>(false)
    private let onOverflow: @Sendable () -> Void

    /// `limit` messages may wait; `onOverflow` runs once, when one more does not fit.
    init(limit: Int, onOverflow: @escaping @Sendable () -> Void) {
        // Oldest kept: what fits is delivered in order, and nothing after a gap.
        (messages, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(limit))
        (overflowSignal, overflowContinuation) = AsyncStream.makeStream(of: Never.self)
        self.onOverflow = onOverflow
    }

    /// Queues `text`; a full queue ends the stream (the socket then closes).
    func yield(_ text: String) {
        if case .dropped = continuation.yield(text) { overflow() }
    }

    /// No more messages: the socket closes once the queue is sent.
    func finish() { continuation.finish() }

    /// Whether the client fell behind and the stream ended for that reason.
    var fellBehind: Bool { overflowed.load(ordering: .relaxed) }

    /// Returns `grace` after the queue overflowed (before that only when cancelled). A
    /// socket runs this beside its writer and ends the connection when it
    /// returns: a client that stopped reading altogether leaves the writer
    /// stuck in a write, so ending the stream alone would not disconnect it;
    /// a merely slow one gets `grace` to receive the closing frame.
    func untilOverflow(grace: Duration) async {
        for await _ in overflowSignal {}
        // Without an overflow the signal ends only when the socket's tasks
        // are cancelled: the connection is ending anyway.
        guard fellBehind else { return }
        try? await Task.sleep(for: grace)
    }

    private func overflow() {
        guard !overflowed.exchange(true, ordering: .relaxed) else { return }
        continuation.finish()
        overflowContinuation.finish()
        onOverflow()
    }
}
