import SFU

/// One pair of our host candidate with a remote candidate (RFC 8445 §6.1.2),
/// with the check list state of §6.1.2.6.
struct CandidatePair: Sendable, Equatable {
    enum State: Sendable, Equatable { case waiting, inProgress, succeeded, failed }

    var remote: STUNAddress
    var remotePriority: UInt32
    var state: State = .waiting
    /// A check with USE-CANDIDATE on this pair succeeded (RFC 8445 §8.1.1).
    var nominated = false
    /// A check with USE-CANDIDATE is in flight (regular nomination).
    var nominating = false
}
