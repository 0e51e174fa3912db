import Meetings
import Store

/// The gateway's view of meetings, read from the store by dial-in code. A
/// cancelled meeting is not found, exactly as its link answers 404 on the
/// web (`Admission`'s first rule); every other rule is `Admission`'s, applied
/// by `CodePrompt` as the caller keys in.
public struct StoreMeetingDirectory: MeetingDirectory {
    let store: Store

    /// Meetings as `store` holds them.
    public init(store: Store) {
        self.store = store
    }

    /// The meeting with this dial-in code, or nil (also for a cancelled one,
    /// as its link answers 404).
    public func meeting(dialInCode: String) async throws -> DialInMeeting? {
        // Dial-in codes are digits; anything else cannot match and is not worth a query.
        guard !dialInCode.isEmpty, dialInCode.count <= 20, dialInCode.allSatisfy(\.isNumber) else { return nil }
        return Self.found(try await store.meeting(dialInCode: dialInCode))
    }

    /// The meeting with this link code, or nil (also for a cancelled one).
    public func meeting(code: String) async throws -> DialInMeeting? {
        guard !code.isEmpty, code.count <= 40, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return nil }
        return Self.found(try await store.meeting(code: code))
    }

    private static func found(_ m: MeetingRecord?) -> DialInMeeting? {
        guard let m else { return nil }
        if Admission.refusalBeforePasscode(AdmissionMeeting(m), entrant: .phone) == .notFound { return nil }
        return DialInMeeting(meetingID: m.id, code: m.code, dialInCode: m.dialInCode, title: m.title,
                             passcode: m.passcode, lobbyEnabled: m.lobbyEnabled, requireSignIn: m.requireSignIn)
    }
}
