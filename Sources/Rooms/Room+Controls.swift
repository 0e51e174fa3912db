import Foundation
import SFU

extension Room {
    /// A chat message to everyone; kept for late joiners.
    public func sendChat(_ id: String, text: String) throws(RoomError) {
        guard let p = participants[id], !p.waiting else { throw .notInRoom }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 2000 else {
            throw RoomError("bad_request", "A chat message has 1 to 2000 characters.")
        }
        let message = ChatMessage(id: UUID().uuidString.lowercased(), participantId: id, displayName: p.displayName,
                                  text: trimmed, sentAt: Date().formatted(.iso8601))
        chat.append(message)
        if chat.count > 1000 { chat.removeFirst(chat.count - 1000) }
        broadcast(.chat(message))
    }

    public func raiseHand(_ id: String, raised: Bool) throws(RoomError) {
        guard participants[id].map({ !$0.waiting }) == true else { throw .notInRoom }
        participants[id]?.handRaised = raised
        broadcastUpdate(of: id)
    }

    func requireModerator(_ id: String) throws(RoomError) -> Participant {
        guard let p = participants[id], !p.waiting else { throw .notInRoom }
        guard p.role.isModerator else { throw .forbidden }
        return p
    }

    /// A host or co-host mutes someone's microphone: forwarding stops at once;
    /// the person is told and may unmute themselves (as in Meet and Jitsi).
    public func hostMute(by id: String, target: String) async throws(RoomError) {
        _ = try requireModerator(id)
        guard let t = participants[target], !t.waiting, t.role != .recorder else { throw .noSuchParticipant }
        guard let mic = t.producerID(for: .microphone) else { return }
        participants[target]?.producers[mic]?.muted = true
        await setPaused(mic, of: t, paused: true)
        t.connection.deliver(.mutedByHost(source: MediaSource.microphone.rawValue))
        broadcastUpdate(of: target)
    }

    /// A host calls a phone into the meeting; the outcome reaches them as notices.
    public func callPhone(by id: String, target: String, dialer: (any PhoneDialer)?) async throws(RoomError) {
        let moderator = try requireModerator(id)
        guard let dialer else {
            throw RoomError("unavailable", "This server has no phone gateway, so it cannot call phones.")
        }
        let trimmed = target.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw RoomError("bad_request", "Enter a phone number or a SIP address to call.")
        }
        let connection = moderator.connection
        logger.info("calling a phone", metadata: ["by": "\(id)"])
        try await dialer.call(trimmed, into: info, notify: { connection.deliver(.notice($0)) })
    }

    /// A host sends a phone caller on to another number or SIP address; the
    /// progress reaches the host as notices, and the caller leaves the room
    /// when the transfer succeeds.
    public func transferPhone(by id: String, participant target: String, to destination: String,
                              dialer: (any PhoneDialer)?) async throws(RoomError) {
        let moderator = try requireModerator(id)
        guard let dialer else {
            throw RoomError("unavailable", "This server has no phone gateway, so it cannot transfer calls.")
        }
        guard let t = participants[target] else { throw .noSuchParticipant }
        guard t.role == .phone else { throw RoomError("bad_request", "Only a phone caller can be transferred.") }
        let trimmed = destination.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw RoomError("bad_request", "Enter the phone number or SIP address to transfer the caller to.")
        }
        let connection = moderator.connection
        logger.info("transferring a caller", metadata: ["by": "\(id)", "caller": "\(target)"])
        try await dialer.transfer(participantID: target, in: info, to: trimmed, notify: { connection.deliver(.notice($0)) })
    }

    /// A host moves a phone caller to another meeting; the call stays up.
    public func movePhone(by id: String, participant target: String, toMeeting meeting: String,
                          dialer: (any PhoneDialer)?) async throws(RoomError) {
        let moderator = try requireModerator(id)
        guard let dialer else {
            throw RoomError("unavailable", "This server has no phone gateway, so it cannot move callers.")
        }
        guard let t = participants[target] else { throw .noSuchParticipant }
        guard t.role == .phone else { throw RoomError("bad_request", "Only a phone caller can be moved to another meeting.") }
        let trimmed = meeting.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 300 else {
            throw RoomError("bad_request", "Enter the link or code of the meeting to move the caller to.")
        }
        let connection = moderator.connection
        logger.info("moving a caller", metadata: ["by": "\(id)", "caller": "\(target)"])
        try await dialer.move(participantID: target, in: info, toMeeting: trimmed, notify: { connection.deliver(.notice($0)) })
    }

    /// Removes someone: their transports close at once, so their media stops.
    public func hostRemove(by id: String, target: String) async throws(RoomError) {
        let moderator = try requireModerator(id)
        guard let t = participants[target], t.role != .recorder else { throw .noSuchParticipant }
        guard t.role != .host || moderator.role == .host else {
            throw RoomError("forbidden", "A co-host cannot remove the host.")
        }
        removedIDs.insert(target)
        t.connection.deliver(.removed(reason: "removed"))
        t.connection.close()
        await leave(target, reason: "removed")
    }

    public func setLocked(by id: String, locked: Bool) throws(RoomError) {
        _ = try requireModerator(id)
        info.locked = locked
        broadcast(.roomUpdated(info))
    }

    /// Admits or denies someone waiting in the lobby.
    public func admit(by id: String, target: String, admit: Bool) async throws(RoomError) {
        _ = try requireModerator(id)
        guard let t = participants[target], t.waiting else { throw .noSuchParticipant }
        if admit {
            try await self.admit(target)
        } else {
            participants[target] = nil
            order.removeAll { $0 == target }
            t.connection.deliver(.lobbyDenied)
            t.connection.close()
        }
        broadcastLobby()
    }

    /// The host names or unnames a co-host.
    public func setCohost(by id: String, target: String, cohost: Bool) throws(RoomError) {
        guard let p = participants[id], !p.waiting else { throw .notInRoom }
        guard p.role == .host else { throw RoomError("forbidden", "Only the host can name co-hosts.") }
        guard let t = participants[target], !t.waiting, t.role != .host, t.role != .recorder, t.role != .phone || !cohost else { throw .noSuchParticipant }
        participants[target]?.role = cohost ? .cohost : (t.userId == nil ? .guest : .participant)
        broadcastUpdate(of: target)
        if cohost {
            participants[target]?.connection.deliver(.lobbyUpdated(lobbyEntries))
            showAttributes(to: target)
        }
    }

    /// The signed-in hosts and co-hosts present, after checking that `id` is
    /// one of them (only moderators start and stop recording; they all may
    /// manage the recording afterwards).
    public func moderatorUserIDs(checking id: String) throws(RoomError) -> [String] {
        _ = try requireModerator(id)
        return moderators.compactMap(\.userId)
    }

    /// Turns the recording indicator on or off for everyone (the recording
    /// service calls this; it checks who may record). `notice` says why a
    /// recording stopped by itself (the disk filled up), to everyone.
    public func setRecording(_ recording: Bool, notice: String? = nil) {
        guard info.recording != recording else { return }
        info.recording = recording
        logger.info(recording ? "recording started" : "recording stopped")
        broadcast(.roomUpdated(info))
        if let notice { broadcast(.notice(notice)) }
    }

    /// Ends the meeting for everyone.
    public func end(by id: String) async throws(RoomError) {
        _ = try requireModerator(id)
        await endForAll()
    }

    /// The server is shutting down: every connection closes without an
    /// ending, so browsers reconnect and resume once it is back; the
    /// recorder and phone calls finish as for an empty room.
    public func closeForShutdown() async {
        guard lifecycle == .open else { return }
        for p in participants.values { p.connection.close() }
        participants.removeAll()
        order.removeAll()
        logger.info("room closed for a server shutdown")
        await close()
    }

    /// Ends the meeting (a host's command).
    public func endForAll() async {
        guard !ended else { return }
        ended = true
        for p in participants.values {
            p.connection.deliver(.ended)
            p.connection.close()
        }
        participants.removeAll()
        order.removeAll()
        logger.info("meeting ended for all")
        await close()
    }
}
