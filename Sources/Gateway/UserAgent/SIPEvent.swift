/// Everything the SIP user agent reports, in order, on `SIPUserAgent.events`.
///
/// Each call ends with exactly one of `.cancelled`, `.outgoingFailed` or
/// `.ended`; after it the `SIPCallID` is dead and actions on it are ignored.
public enum SIPEvent: Sendable, Equatable {
    /// A new INVITE. Answer with `respond` (180/183/200 or an error).
    case incomingCall(SIPCallID, IncomingCall)
    /// The ACK for our 2xx; carries the answer when we offered in the 200.
    case acknowledged(SIPCallID, sdp: String?)
    /// A re-INVITE in an established dialog (hold, resume, address change):
    /// answer with `respond(call, status: 200, phrase: "OK", sdp: ...)`.
    case reinvite(SIPCallID, sdp: String?)
    /// The caller cancelled before the answer; the stack already sent 487.
    case cancelled(SIPCallID)
    /// The call is over: BYE from the far end, our BYE completed, a rejected
    /// or failed dialog, or the session timer expired (RFC 4028 §10).
    case ended(SIPCallID, reason: String)
    /// A SIP INFO in the dialog (e.g. application/dtmf-relay); already answered 200.
    case info(SIPCallID, contentType: String?, body: String?)
    /// 180/183 to our INVITE.
    case outgoingProgress(SIPCallID, status: Int, sdp: String?)
    /// 2xx to our INVITE (ACK already sent).
    case outgoingAnswered(SIPCallID, sdp: String?)
    /// Final failure of our INVITE.
    case outgoingFailed(SIPCallID, status: Int, phrase: String)
    /// How a transfer we asked for (REFER) goes: the REFER's own answer
    /// (202 Accepted, or a failure), then the status lines the phone reports
    /// in its NOTIFYs (`message/sipfrag`, RFC 3515 §2.4.5): 100, 180, and
    /// finally 200 or a failure of the call it placed.
    /// `reported` is true for a NOTIFY's line, false for the REFER's answer.
    case transferProgress(SIPCallID, status: Int, phrase: String, final: Bool, reported: Bool)
    /// REGISTER at the trunk named `trunk` succeeded (also on each automatic refresh).
    case registered(trunk: String, expires: Int)
    /// REGISTER at the trunk named `trunk` failed (after digest authentication, if challenged).
    case registrationFailed(trunk: String, status: Int, phrase: String)
}
