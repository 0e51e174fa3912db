/// Who is at a front door, as that door knows them before they type a passcode.
public enum Entrant: Sendable, Equatable {
    /// A browser: signed in (with the account's id) or a guest (nil).
    case browser(userID: String?)
    /// A caller through the SIP gateway: never signed in, known only by
    /// what they dialled and the keys they press.
    case phone
}
