import Hummingbird
import Meetings

extension APIError {
    /// The one place an admission refusal becomes an HTTP answer. Statuses
    /// follow the API document: a meeting you may not see is 404; sign-in
    /// is 401; a missing or wrong passcode is 403 on the `passcode` field.
    /// The live room's refusals (ended, locked, full, lobby) normally reach a
    /// browser over the signaling socket as `error` messages with the same
    /// codes; over HTTP they are 409 (the meeting's state forbids it now) and
    /// a lobby refusal 403.
    init(_ refusal: AdmissionRefusal) {
        let status: HTTPResponse.Status = switch refusal {
        case .notFound: .notFound
        case .signInRequired: .unauthorized
        case .passcodeRequired, .wrongPasscode, .lobbyDenied: .forbidden
        case .ended, .locked, .full: .conflict
        }
        let field: String? = switch refusal {
        case .passcodeRequired, .wrongPasscode: "passcode"
        default: nil
        }
        self.init(status, refusal.code, refusal.message, field: field)
    }
}
