import Foundation
import Store

/// The life of a ring between friends: `ring` opens an instant meeting and a
/// call in `ringing`; the callee accepts or declines, the caller cancels, or
/// after `ringSeconds` nobody answered and it is `missed`. A call leaves
/// `ringing` once (`Store.resolveCall` is the compare-and-set); every later
/// attempt is `CallError.over`. Front doors tell the people involved.
public struct CallLifecycle: Sendable {
    let store: Store
    /// How long a call rings before it is missed (`meetings.ring_seconds`).
    public let ringSeconds: Int

    public init(store: Store, ringSeconds: Int) {
        self.store = store
        self.ringSeconds = ringSeconds
    }

    /// A new ring from `caller` to a friend: the instant meeting it opens
    /// (the callee invited) and the call.
    public func ring(from caller: UserRecord, to calleeID: String,
                     codes: @escaping @Sendable () -> (String, String)) async throws -> (call: CallRecord, meeting: MeetingRecord, callee: UserRecord) {
        guard calleeID != caller.id else { throw CallError.cannotCallYourself }
        guard try await store.areFriends(caller.id, calleeID), let callee = try await store.user(id: calleeID) else {
            throw CallError.notAFriend
        }
        let now = Timestamp.now
        let (code, dialIn) = codes()
        let meeting = try await store.createMeeting(
            MeetingRecord(
                id: UUID().uuidString.lowercased(), code: code, dialInCode: dialIn, hostId: caller.id,
                kind: MeetingRecord.instant, title: "Call: \(caller.displayName) and \(callee.displayName)", description: "",
                reminderMinutes: 0, createdAt: now, updatedAt: now),
            inviteeIds: [callee.id], codes: codes)
        let call = CallRecord(
            id: UUID().uuidString.lowercased(), callerId: caller.id, calleeId: callee.id, meetingId: meeting.id,
            status: .ringing, createdAt: now, updatedAt: now)
        try await store.createCall(call)
        return (call, meeting, callee)
    }

    /// The call `id` as `userID` may see it: its caller or its callee.
    public func call(id: String, for userID: String) async throws -> CallRecord {
        guard let call = try await store.call(id: id), call.callerId == userID || call.calleeId == userID else {
            throw CallError.notFound
        }
        return call
    }

    /// The callee accepts or declines a ringing call.
    public func answer(_ call: CallRecord, by userID: String, accept: Bool) async throws -> CallRecord {
        guard call.calleeId == userID else { throw CallError.notTheCallee }
        guard let resolved = try await store.resolveCall(id: call.id, status: accept ? .accepted : .declined) else {
            throw CallError.over(call.status)
        }
        return resolved
    }

    /// The caller hangs up. Nil when the call had already stopped ringing
    /// (nothing changes, and that is no error: hanging up twice is fine).
    public func cancel(_ call: CallRecord, by userID: String) async throws -> CallRecord? {
        guard call.callerId == userID else { throw CallError.notTheCaller }
        return try await store.resolveCall(id: call.id, status: .cancelled)
    }

    /// Marks the call missed if it still rings; nil otherwise.
    public func miss(callID: String) async throws -> CallRecord? {
        try await store.resolveCall(id: callID, status: .missed)
    }

    /// After `ringSeconds`, a call still ringing is missed and `missed` runs.
    @discardableResult
    public func missUnanswered(callID: String, then missed: @escaping @Sendable (CallRecord) async -> Void) -> Task<Void, Never> {
        let seconds = ringSeconds
        let lifecycle = self
        return Task {
            try? await Task.sleep(for: .seconds(seconds))
            if let call = try? await lifecycle.miss(callID: callID) { await missed(call) }
        }
    }
}
