import Store

/// Why a ring between friends could not happen or change. The web app maps
/// each to an HTTP answer once (`CallError+HTTP`).
public enum CallError: Error, Sendable, Equatable {
    /// Ringing yourself (a 422 on `userId`).
    case cannotCallYourself
    /// Only friends ring each other (and a blocked person is no friend).
    case notAFriend
    /// No such call, or the user is neither its caller nor its callee: an id
    /// one may not see answers like a missing one.
    case notFound
    /// Only the caller hangs up a ringing call.
    case notTheCaller
    /// Only the callee accepts or declines.
    case notTheCallee
    /// The call already left `ringing` (it is now `status`).
    case over(CallStatus)

    /// A sentence a person can act on.
    public var message: String {
        switch self {
        case .cannotCallYourself: "You cannot call yourself."
        case .notAFriend: "You can call only your friends."
        case .notFound: "The call was not found."
        case .notTheCaller: "Only the caller can hang up a ringing call."
        case .notTheCallee: "Only the person being called can answer."
        case .over(let status): "This call is no longer ringing (it was \(status.rawValue))."
        }
    }
}
