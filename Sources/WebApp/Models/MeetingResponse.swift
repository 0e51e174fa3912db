import Foundation
import Meetings
import Scheduling
import Store

/// A meeting as the API shows it to one viewer.
struct MeetingResponse: Encodable {
    var id: String
    var code: String
    var joinUrl: String
    var dialInCode: String
    /// Numbers and SIP address to dial; null when the phone gateway is off.
    @NullEncoded var dialIn: DialInResponse?
    var kind: String
    var title: String
    var description: String
    var host: UserSummary
    @NullEncoded var start: String?
    @NullEncoded var startLocal: String?
    @NullEncoded var timeZone: String?
    @NullEncoded var durationMinutes: Int?
    @NullEncoded var recurrence: RecurrenceJSON?
    var invitees: [UserSummary]
    var hasPasscode: Bool
    @NullEncoded var passcode: String?
    var requireSignIn: Bool
    var lobbyEnabled: Bool
    var recordAutomatically: Bool
    var recordingsVisible: Bool
    var isPrivate: Bool
    var reminderMinutes: Int
    var cancelledOccurrences: [String]
    var createdAt: String
    var updatedAt: String
    var role: String

    init(
        _ meeting: MeetingRecord, host: UserRecord, invitees: [UserRecord], overrides: [OccurrenceOverrideRecord],
        viewerId: String?, origin: String, dialIn: DialInResponse? = nil
    ) {
        self.dialIn = dialIn
        id = meeting.id
        code = meeting.code
        joinUrl = "\(origin)/m/\(meeting.code)"
        dialInCode = meeting.dialInCode
        kind = meeting.kind
        title = meeting.title
        description = meeting.description
        self.host = UserSummary(host)
        start = meeting.firstStart.map(Instant.string)
        if let series = MeetingSchedule.series(meeting, overrides: []) {
            start = Instant.string(series.start.resolved(in: series.timeZone))
            if let rule = series.rule {
                recurrence = RecurrenceJSON(rule: rule, rrule: rule.rruleValue(start: series.start, zone: series.timeZone))
            }
        }
        startLocal = meeting.startLocal
        timeZone = meeting.timeZone
        durationMinutes = meeting.durationMinutes
        self.invitees = invitees.map(UserSummary.init)
        hasPasscode = meeting.passcode != nil
        let isHost = viewerId == meeting.hostId
        passcode = isHost ? meeting.passcode : nil
        requireSignIn = meeting.requireSignIn
        lobbyEnabled = meeting.lobbyEnabled
        recordAutomatically = meeting.recordAutomatically
        recordingsVisible = meeting.recordingsVisible
        isPrivate = meeting.isPrivate
        reminderMinutes = meeting.reminderMinutes
        cancelledOccurrences = overrides.filter(\.isCancelled).map { Instant.string($0.originalStart) }
        createdAt = Instant.string(meeting.createdAt)
        updatedAt = Instant.string(meeting.updatedAt)
        role = isHost ? "host" : (invitees.contains { $0.id == viewerId } ? "invitee" : "viewer")
    }
}

/// One occurrence in a user's agenda.
struct OccurrenceResponse: Encodable {
    var meetingId: String
    var title: String
    var start: String
    var end: String
    var originalStart: String
    var timeZone: String
    var startLocal: String
    var isRecurring: Bool
    var isModified: Bool
    var joinUrl: String
    var dialInCode: String
    var host: UserSummary
    var role: String

    init(_ occurrence: Occurrence, meeting: MeetingRecord, zone: TimeZone, host: UserRecord, viewerId: String, origin: String) {
        meetingId = meeting.id
        title = occurrence.title ?? meeting.title
        start = Instant.string(occurrence.start)
        end = Instant.string(occurrence.end)
        originalStart = Instant.string(occurrence.originalStart)
        timeZone = meeting.timeZone ?? zone.identifier
        startLocal = LocalDateTime(occurrence.start, in: zone).description
        isRecurring = meeting.rrule != nil
        isModified = occurrence.isModified
        joinUrl = "\(origin)/m/\(meeting.code)"
        dialInCode = meeting.dialInCode
        self.host = UserSummary(host)
        role = meeting.hostId == viewerId ? "host" : "invitee"
    }
}
