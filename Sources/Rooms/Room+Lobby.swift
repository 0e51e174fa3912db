extension Room {
    /// A host or co-host turns the lobby on or off for the rest of this
    /// session of the meeting (the meeting's stored setting applies again
    /// when the room next opens). Turning it off lets everyone waiting in at
    /// once. Everyone gets `roomUpdated` with the new `lobbyEnabled`.
    public func setLobby(by id: String, enabled: Bool) async throws(RoomError) {
        _ = try requireModerator(id)
        guard info.lobbyEnabled != enabled else { return }
        info.lobbyEnabled = enabled
        logger.info(enabled ? "lobby turned on" : "lobby turned off", metadata: ["by": "\(id)"])
        broadcast(.roomUpdated(info))
        guard !enabled else { return }
        for waiting in lobbyEntries {
            // Someone who left while the others were let in is simply skipped.
            try? await admit(waiting.participantId)
        }
        broadcastLobby()
    }
}
