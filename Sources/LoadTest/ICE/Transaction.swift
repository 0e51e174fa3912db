import SFU

/// One outstanding STUN transaction (RFC 8489 §6.2.1).
struct Transaction: Sendable {
    enum Purpose: Sendable, Equatable { case check, consent }

    var destination: STUNAddress
    var purpose: Purpose
    var useCandidate: Bool
    var bytes: [UInt8]
    var sentAt: ContinuousClock.Instant
    var transmissions: Int
    var rto: Duration
}
