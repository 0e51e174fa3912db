/// Places calls from a room to a phone ("Call a phone"). The executable
/// wires the SIP gateway in; rooms and the web app only see this.
public protocol PhoneDialer: Sendable {
    /// Calls `target` (a SIP URI or a phone number) and brings the callee
    /// into the meeting when they answer. Throws when the target cannot be
    /// called at all; later failures (busy, no answer) come as a notice to
    /// `notify`.
    func call(_ target: String, into room: RoomInfo, notify: @escaping @Sendable (String) -> Void) async throws(RoomError)
    /// Sends the caller who is `participantID` in `room` on to `target` (a
    /// SIP URI or a phone number; blind transfer, RFC 3515). Throws when it
    /// cannot start; progress and the outcome come as notices to `notify`.
    func transfer(participantID: String, in room: RoomInfo, to target: String,
                  notify: @escaping @Sendable (String) -> Void) async throws(RoomError)
    /// Moves the caller who is `participantID` in `room` to another meeting
    /// (its link, code or dial-in code); the outcome comes as a notice.
    func move(participantID: String, in room: RoomInfo, toMeeting meeting: String,
              notify: @escaping @Sendable (String) -> Void) async throws(RoomError)
    /// Asks every caller in `room` to call the gateway of `node` (another
    /// node that now runs the meeting) instead (REFER with the meeting's
    /// dial-in code); returns how many were asked.
    func sendCallers(in room: RoomInfo, to node: RoomLocation.RemoteNode) async -> Int
}
