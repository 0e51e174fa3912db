import NIOCore

/// A pipe to another media loop of the same node. Messages queue on the
/// sending loop and cross in one task per flush; the receiving loop hands
/// them to its engine in order and flushes its port once.
final class LoopPipeLink: PipeLink {
    /// The loop index on the other side.
    let destinationLoop: Int
    private let destination: EventLoopConfined<MediaEngine>
    private var queued: [PipeMessage] = []

    init(destinationLoop: Int, destination: EventLoopConfined<MediaEngine>) {
        self.destinationLoop = destinationLoop
        self.destination = destination
    }

    func send(_ message: PipeMessage) { queued.append(message) }

    func flush() {
        guard !queued.isEmpty else { return }
        let batch = queued
        queued.removeAll(keepingCapacity: true)
        let destination = self.destination
        destination.eventLoop.execute {
            let engine = destination.value
            let now = NIODeadline.now()
            for message in batch { engine.receive(pipe: message, now: now) }
            engine.flush()
        }
    }
}
