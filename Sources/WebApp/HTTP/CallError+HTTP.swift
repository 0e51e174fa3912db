import Meetings

extension APIError {
    /// The one place a ring lifecycle error becomes an HTTP answer.
    init(_ error: CallError) {
        switch error {
        case .cannotCallYourself: self = .validation("userId", error.message)
        case .notAFriend, .notTheCaller, .notTheCallee: self = .forbidden(error.message)
        case .notFound: self = .notFound("The call")
        case .over: self = APIError(.conflict, "call_over", error.message)
        }
    }
}
