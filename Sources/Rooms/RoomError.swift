/// Why a room refused a request. `code` matches the HTTP API's error codes;
/// `message` is fit to show a person; `reason` types the refusals a front
/// door turns into its own answer (a SIP prompt, an admission refusal), so
/// none of them matches on `code` strings.
public struct RoomError: Error, Equatable, Sendable {
    /// The refusals of someone entering or staying in a room. Raw values are
    /// the API's documented error codes.
    public enum Reason: String, Sendable, CaseIterable {
        /// The host ended the meeting (or did so a moment ago and only a moderator may restart it).
        case ended
        /// The host locked the meeting.
        case locked
        /// The room is at its capacity.
        case full = "room_full"
        /// The host did not let the person in from the lobby.
        case lobbyDenied = "lobby_denied"
        /// A host removed the person.
        case removed
        /// This server starts no new meetings now (cordoned or draining);
        /// another server of the cluster will.
        case notStarting = "not_starting_meetings"
    }

    public var code: String
    public var message: String
    /// The typed refusal, when this error is one (nil for other failures).
    public var reason: Reason?

    /// A refusal by its API code (typed when the code is a `Reason`'s).
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
        self.reason = Reason(rawValue: code)
    }

    /// A typed refusal, said as `message`.
    public init(_ reason: Reason, _ message: String) {
        self.code = reason.rawValue
        self.message = message
        self.reason = reason
    }

    public static let locked = RoomError(.locked, "The meeting is locked. Ask the host to unlock it.")
    public static let ended = RoomError(.ended, "The host ended this meeting.")
    public static let full = RoomError(.full, "The meeting is full.")
    public static let notInRoom = RoomError("not_found", "You are not in this meeting.")
    public static let forbidden = RoomError("forbidden", "Only the host or a co-host can do that.")
    public static let noSuchParticipant = RoomError("not_found", "That person is not in this meeting.")
    public static let removed = RoomError(.removed, "You were removed from this meeting.")
    public static let denied = RoomError(.lobbyDenied, "The host did not let you in.")
    public static let notStarting = RoomError(
        .notStarting, "This server is not starting new meetings right now (it is about to restart). Try again in a moment.")
    public static let connectionLost = RoomError(
        "connection_lost", "You were away too long and left the meeting. Join again to come back.")
}
