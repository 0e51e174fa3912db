/// How a room reaches one participant: a browser's signaling socket, a
/// phone call in the gateway, or the recorder. The room only sends events;
/// each front door turns them into its own protocol.
public protocol ParticipantConnection: Sendable {
    /// Delivers an event. Must not block; a slow participant must not hold up the room.
    func deliver(_ event: RoomEvent)
    /// Ends the connection after the last delivered event (removed, ended, denied).
    func close()
}
