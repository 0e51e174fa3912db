extension PhoneCallMachine {
    /// Into the meeting's room: "joining the meeting" plays meanwhile.
    mutating func join(_ meeting: DialInMeeting) -> [Action] {
        stage = .joining
        self.meeting = meeting
        inRoomOrJoining = true
        return [play(.joining), .joinRoom(meeting)]
    }

    /// A host moves the caller to another meeting: out of this room and into
    /// that one, past its lobby and passcode (the host vouches for them).
    mutating func move(to meeting: DialInMeeting) -> [Action] {
        guard stage == .inRoom else { return [] }
        movedByHost = true
        muted = false
        return [.leaveRoom(reason: "moved")] + join(meeting)
    }

    /// What the room says about this caller.
    mutating func room(_ outcome: RoomOutcome) -> [Action] {
        switch outcome {
        case .joined(let recording):
            guard stage == .joining || stage == .lobby else { return [] }
            stage = .inRoom
            return noticeRecording(recording) + [.publish]
        case .recordingChanged(let recording):
            return noticeRecording(recording)
        case .lobbyWaiting:
            guard stage == .joining else { return [] }
            stage = .lobby
            return [play(.waiting)]
        case .lobbyDenied:
            return leave(after: Prompt.forRefusal(.notAdmitted))
        case .removed:
            return leave(after: Prompt.forRefusal(.removed))
        case .ended:
            return leave(after: Prompt.forRefusal(.ended))
        case .connectionClosed:
            // The room let go of the caller without saying why first.
            guard stage != .leaving else { return [] }
            return leave(after: Prompt.forRefusal(.ended))
        case .joinFailed(let refusal):
            guard stage == .joining || stage == .lobby else { return [] }
            return leave(after: Prompt.forRefusal(refusal))
        case .mutedByHost:
            muted = true
            return [play(.muted)]
        case .muteChanged(let muted):
            self.muted = muted
            return []
        }
    }

    /// Callers cannot see the recording indicator: they hear "this meeting is
    /// being recorded" when they join a recorded meeting and whenever
    /// recording starts (as a PBX announces call recording).
    private mutating func noticeRecording(_ recording: Bool) -> [Action] {
        guard recording != heardRecording else { return [] }
        heardRecording = recording
        guard recording else { return [] }
        promptPlaying = true
        return [.play(.recording, replacing: false)]
    }
}
