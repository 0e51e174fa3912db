/// What a node carries now, as its parts report it; the heartbeat turns
/// the packet total into a rate and adds the process's CPU share.
public struct NodeLoad: Sendable, Equatable {
    /// RTP packets forwarded since the node started.
    public var packetsForwarded: Int
    public var participants: Int
    public var rooms: Int
    public var calls: Int
    public var recordings: Int

    /// What keeps a draining node up: people, calls, recordings capturing.
    public var work: Int { participants + calls + recordings }

    public init(packetsForwarded: Int = 0, participants: Int = 0, rooms: Int = 0, calls: Int = 0, recordings: Int = 0) {
        self.packetsForwarded = packetsForwarded
        self.participants = participants
        self.rooms = rooms
        self.calls = calls
        self.recordings = recordings
    }
}
