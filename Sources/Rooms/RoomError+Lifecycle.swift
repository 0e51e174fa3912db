extension RoomError {
    /// The room was closing (its last person had just left) as someone
    /// joined. `RoomRegistry.join` answers it by joining them to a fresh room;
    /// only a room that keeps closing under every try reaches a person.
    public static let closed = RoomError("room_closed", "The meeting's room was closing as you joined. Join again.")
}
