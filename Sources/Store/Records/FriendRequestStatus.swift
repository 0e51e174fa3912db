/// Where a friend request stands. The raw values are the strings the
/// `friend_requests.status` column has always held and the API shows (no
/// migration).
public enum FriendRequestStatus: String, Codable, Sendable, CaseIterable {
    /// Waiting for the person asked; the only state a request leaves.
    case pending
    case accepted
    case declined
    /// The sender took it back.
    case cancelled
}
