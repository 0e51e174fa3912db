extension GatewayEngine {
    /// Answers to calls Parley placed (dial-out is not wired to rooms yet:
    /// these only end the call cleanly).
    func handleOutgoing(_ event: SIPEvent) {
        switch event {
        case .outgoingFailed(let id, let status, let phrase):
            logger.info("outgoing call failed", metadata: ["call": "\(id)", "status": "\(status) \(phrase)"])
            if let call = calls[id] { finish(call, reason: "failed_\(status)") }
        case .outgoingAnswered(let id, _):
            if calls[id] == nil { userAgent.hangUp(id) }
        default:
            break
        }
    }
}
