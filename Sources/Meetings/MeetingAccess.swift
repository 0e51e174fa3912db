/// What a signed-in user may do with a meeting through the API, decided in
/// one place. An id a user may not see answers exactly like one that does
/// not exist (the API document: "404 … so private meetings' existence is not
/// revealed"); only people who can see a meeting learn that an operation
/// needs its host.
public enum MeetingAccess: Sendable, Equatable {
    /// Cannot see it: the API answers 404.
    case none
    /// May see it (an invitee, or anyone signed in when it is not private).
    case view
    /// Hosts it: may change, cancel, invite, record.
    case host

    /// The access of `userID` to a meeting. `isInvited` is asked only when it matters.
    public static func of(hostID: String, isPrivate: Bool, isCancelled: Bool, userID: String,
                          isInvited: () async throws -> Bool) async rethrows -> MeetingAccess {
        if isCancelled { return .none }
        if hostID == userID { return .host }
        if !isPrivate { return .view }
        return try await isInvited() ? .view : .none
    }
}
