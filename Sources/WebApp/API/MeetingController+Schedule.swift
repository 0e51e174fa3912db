import Foundation
import Meetings
import Scheduling
import Store

extension MeetingController {
    /// Applies a create/update body to a meeting record through the meeting
    /// rules (`MeetingRules`); a broken rule is a 422 on its field. Throws
    /// before anything is stored.
    func apply(_ input: MeetingInput, to meeting: inout MeetingRecord, creating: Bool) throws {
        do {
            try MeetingRules.apply(input.changes, to: &meeting, creating: creating)
        } catch let error as MeetingError {
            throw APIError(error)
        }
    }

    /// Recomputes the stored range bounds after overrides changed.
    func recomputeBounds(_ meeting: inout MeetingRecord, overrides: [OccurrenceOverrideRecord]) throws {
        MeetingRules.recomputeBounds(&meeting, overrides: overrides)
    }
}

extension MeetingInput {
    /// The body as the meeting rules read it.
    var changes: MeetingChanges {
        var c = MeetingChanges()
        c.present = Set(present.compactMap(MeetingChanges.Field.init(rawValue:)))
        c.title = title
        c.description = description
        c.start = start
        c.timeZone = timeZone
        c.durationMinutes = durationMinutes
        if let json = recurrence {
            c.recurrence = { @Sendable () throws -> RecurrenceRule in try json.rule() }
        }
        c.passcode = passcode
        c.requireSignIn = requireSignIn
        c.lobbyEnabled = lobbyEnabled
        c.recordAutomatically = recordAutomatically
        c.recordingsVisible = recordingsVisible
        c.isPrivate = isPrivate
        c.reminderMinutes = reminderMinutes
        return c
    }
}

/// Meeting link codes (`abc-defg-hij`, as people know them from Meet) and
/// numeric dial-in codes for phone callers.
enum MeetingCodes {
    @Sendable static func generate() -> (String, String) {
        var rng = SystemRandomNumberGenerator()
        let letters = Array("abcdefghijkmnopqrstuvwxyz")  // no 'l': it reads as '1'
        func word(_ n: Int) -> String { String((0..<n).map { _ in letters.randomElement(using: &rng)! }) }
        let code = "\(word(3))-\(word(4))-\(word(3))"
        let dialIn = String(Int.random(in: 1...9, using: &rng)) + (0..<9).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
        return (code, dialIn)
    }

    static func isWellFormed(_ code: String) -> Bool {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [3, 4, 3] && parts.allSatisfy { $0.allSatisfy { $0 >= "a" && $0 <= "z" } }
    }
}
