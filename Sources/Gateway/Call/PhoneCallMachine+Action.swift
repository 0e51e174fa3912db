import SDP

extension PhoneCallMachine {
    /// What the engine must do, in order.
    enum Action: Equatable {
        /// A response to the INVITE or re-INVITE (provisional or final).
        case respond(status: Int, phrase: String, headers: [String: String] = [:], sdp: String? = nil)
        /// 183 Session Progress with our answer: the prompt plays as early
        /// media before the call is answered (RFC 3960 §3, the gateway model).
        case sendEarlyMedia(sdp: String)
        /// 200 OK to the INVITE with our SDP.
        case answer(sdp: String?)
        /// Use this media (from the phone's answer to our offer).
        case applyMedia(PhoneMedia)
        case play(Prompt, replacing: Bool)
        /// Look a dial-in code up; report `.lookedUp`.
        case lookUp(code: String)
        /// Join the meeting's room; the room reports through `.room`.
        case joinRoom(DialInMeeting)
        /// The caller's voice becomes a producer in the room.
        case publish
        /// Tell the room the caller (un)muted.
        case setMuted(Bool)
        /// Tell the host who placed a dial-out how it went.
        case notifyDialer(String)
        case leaveRoom(reason: String)
        /// End the dialog from our side (BYE, or CANCEL/480 before an answer)
        /// and forget the call.
        case hangUp(reason: String)
        /// Forget the call: the dialog is already over.
        case finish(reason: String)
    }
}
