/// Where a ring between friends stands. The raw values are the strings the
/// `calls.status` column has always held and the API shows (no migration).
public enum CallStatus: String, Codable, Sendable, CaseIterable {
    /// Ringing the callee; the only state a call leaves.
    case ringing
    case accepted
    case declined
    /// The caller hung up before an answer.
    case cancelled
    /// Nobody answered within `meetings.ring_seconds`.
    case missed
}
