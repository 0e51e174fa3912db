import Rooms

/// What admission decided for one entrant.
public enum AdmissionDecision: Sendable, Equatable {
    /// In, with this role. `lobbyApplies`: the person waits in the lobby when
    /// the meeting has one and a moderator is there to let them in (the room
    /// judges the latter); hosts never wait.
    case admit(role: ParticipantRole, lobbyApplies: Bool)
    /// Not in, and why.
    case refuse(AdmissionRefusal)

    /// The refusal, if any.
    public var refusal: AdmissionRefusal? {
        if case .refuse(let refusal) = self { return refusal }
        return nil
    }
}
