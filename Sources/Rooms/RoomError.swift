/// Why a room refused a request. `code` matches the HTTP API's error codes;
/// `message` is fit to show a person.
public struct RoomError: Error, Equatable, Sendable {
    public var code: String
    public var message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public static let locked = RoomError("locked", "The meeting is locked. Ask the host to unlock it.")
    public static let ended = RoomError("ended", "The host ended this meeting.")
    public static let full = RoomError("room_full", "The meeting is full.")
    public static let notInRoom = RoomError("not_found", "You are not in this meeting.")
    public static let forbidden = RoomError("forbidden", "Only the host or a co-host can do that.")
    public static let noSuchParticipant = RoomError("not_found", "That person is not in this meeting.")
    public static let removed = RoomError("removed", "You were removed from this meeting.")
    public static let denied = RoomError("lobby_denied", "The host did not let you in.")
}
