import Foundation

/// The body of createMeeting / updateMeeting. For updates, a field that is
/// absent keeps its value while `null` clears it (passcode, recurrence), so the
/// decoder records which keys were present.
struct MeetingInput: Decodable {
    var present: Set<String> = []
    var title: String?
    var description: String?
    var start: String?
    var timeZone: String?
    var durationMinutes: Int?
    var recurrence: RecurrenceJSON?
    var inviteeIds: [String]?
    var passcode: String?
    var requireSignIn: Bool?
    var lobbyEnabled: Bool?
    var recordAutomatically: Bool?
    var recordingsVisible: Bool?
    var isPrivate: Bool?
    var reminderMinutes: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description, start, timeZone, durationMinutes, recurrence, inviteeIds, passcode, requireSignIn,
            lobbyEnabled, recordAutomatically, recordingsVisible, isPrivate, reminderMinutes
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        present = Set(c.allKeys.map(\.stringValue))
        title = try c.decodeIfPresent(String.self, forKey: .title)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        start = try c.decodeIfPresent(String.self, forKey: .start)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
        durationMinutes = try c.decodeIfPresent(Int.self, forKey: .durationMinutes)
        recurrence = try c.decodeIfPresent(RecurrenceJSON.self, forKey: .recurrence)
        inviteeIds = try c.decodeIfPresent([String].self, forKey: .inviteeIds)
        passcode = try c.decodeIfPresent(String.self, forKey: .passcode)
        requireSignIn = try c.decodeIfPresent(Bool.self, forKey: .requireSignIn)
        lobbyEnabled = try c.decodeIfPresent(Bool.self, forKey: .lobbyEnabled)
        recordAutomatically = try c.decodeIfPresent(Bool.self, forKey: .recordAutomatically)
        recordingsVisible = try c.decodeIfPresent(Bool.self, forKey: .recordingsVisible)
        isPrivate = try c.decodeIfPresent(Bool.self, forKey: .isPrivate)
        reminderMinutes = try c.decodeIfPresent(Int.self, forKey: .reminderMinutes)
    }

    func has(_ key: CodingKeys) -> Bool { present.contains(key.stringValue) }
}

/// The body of updateOccurrence.
struct OccurrenceInput: Decodable {
    var start: String?
    var durationMinutes: Int?
    var title: String?
}
