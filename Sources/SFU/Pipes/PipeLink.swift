/// One direction of a pipe: how messages reach the router on the other side.
/// Between the loops of one node it is `LoopPipeLink`; between nodes it
/// would frame the same messages onto an SRTP-protected connection.
protocol PipeLink: AnyObject {
    /// Queues a message; it leaves at the next `flush`.
    func send(_ message: PipeMessage)
    /// Sends what was queued. The engine calls it once per read burst and
    /// per tick, so a burst of packets crosses in one hop, not one per packet.
    func flush()
}
