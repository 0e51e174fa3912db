/// A simulated participant of any SFU the generator drives (Parley or Janus).
public protocol LoadParticipant: Actor {
    /// Counters and timings so far.
    func snapshot() async -> ParticipantSnapshot
    /// Leaves and closes its connections.
    func leave() async
}
