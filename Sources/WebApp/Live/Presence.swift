/// What a user's friends see of them.
enum Presence: String, Codable, Sendable {
    case offline
    case online
    case inMeeting = "in_meeting"
}
