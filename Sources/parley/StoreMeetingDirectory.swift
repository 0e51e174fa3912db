import Gateway
import Store

/// The gateway's view of meetings, read from the store by dial-in code.
struct StoreMeetingDirectory: MeetingDirectory {
    let store: Store

    func meeting(dialInCode: String) async throws -> DialInMeeting? {
        // Dial-in codes are digits; anything else cannot match and is not worth a query.
        guard !dialInCode.isEmpty, dialInCode.count <= 20, dialInCode.allSatisfy(\.isNumber) else { return nil }
        guard let m = try await store.meeting(dialInCode: dialInCode) else { return nil }
        return DialInMeeting(meetingID: m.id, code: m.code, dialInCode: m.dialInCode, title: m.title,
                             passcode: m.passcode, lobbyEnabled: m.lobbyEnabled)
    }
}
