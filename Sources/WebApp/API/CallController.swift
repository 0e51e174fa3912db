import Foundation
import Hummingbird
import Store

/// Ringing a friend: an instant meeting plus a call the friend accepts or
/// declines. The caller and callee follow the call's state over the WebSocket.
struct CallController {
    let services: AppServices
    var store: Store { services.store }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/calls", use: ring)
        router.post("/api/v1/calls/:id/accept", use: accept)
        router.post("/api/v1/calls/:id/decline", use: decline)
        router.delete("/api/v1/calls/:id", use: cancel)
    }

    @Sendable func ring(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var userId: String }
        let user = try context.requireUser()
        let input = try await request.decodeJSON(Input.self, context: context)
        let calleeId = try Validation.id(input.userId, what: "The person")
        guard calleeId != user.id else { throw APIError.validation("userId", "You cannot call yourself.") }
        guard try await store.areFriends(user.id, calleeId), let callee = try await store.user(id: calleeId) else {
            throw APIError.forbidden("You can call only your friends.")
        }
        let now = Timestamp.now
        let (code, dialIn) = MeetingCodes.generate()
        let meeting = try await store.createMeeting(
            MeetingRecord(
                id: UUID().uuidString.lowercased(), code: code, dialInCode: dialIn, hostId: user.id,
                kind: MeetingRecord.instant, title: "Call: \(user.displayName) and \(callee.displayName)", description: "",
                reminderMinutes: 0, createdAt: now, updatedAt: now),
            inviteeIds: [callee.id], codes: MeetingCodes.generate)
        let call = CallRecord(
            id: UUID().uuidString.lowercased(), callerId: user.id, calleeId: callee.id, meetingId: meeting.id,
            status: CallRecord.ringing, createdAt: now, updatedAt: now)
        try await store.createCall(call)
        let response = CallResponse(call, caller: user, callee: callee, meeting: meeting, origin: services.origin)
        struct Notice: Encodable { var callId: String; var meetingId: String; var joinUrl: String; var from: UserSummary }
        await services.notifier.notifyQuietly(
            userId: callee.id, kind: "call",
            data: Notice(callId: call.id, meetingId: meeting.id, joinUrl: response.meeting.joinUrl, from: UserSummary(user)))
        await services.hub.send(LiveMessage.call(response), to: callee.id)
        scheduleMissedTimeout(callId: call.id)
        return try .json(response, status: .created)
    }

    @Sendable func accept(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await answer(context, status: CallRecord.accepted, kind: "call_accepted")
    }

    @Sendable func decline(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await answer(context, status: CallRecord.declined, kind: "call_declined")
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let call = try await call(context, user: user)
        guard call.callerId == user.id else { throw APIError.forbidden("Only the caller can hang up a ringing call.") }
        if let cancelled = try await store.resolveCall(id: call.id, status: CallRecord.cancelled) {
            try await broadcast(cancelled)
        }
        return .noContent
    }

    private func answer(_ context: AppRequestContext, status: String, kind: String) async throws -> Response {
        let user = try context.requireUser()
        let call = try await call(context, user: user)
        guard call.calleeId == user.id else { throw APIError.forbidden("Only the person being called can answer.") }
        guard let resolved = try await store.resolveCall(id: call.id, status: status) else {
            throw APIError(.conflict, "call_over", "This call is no longer ringing (it was \(call.status)).")
        }
        struct Notice: Encodable { var callId: String; var by: UserSummary }
        await services.notifier.notifyQuietly(userId: resolved.callerId, kind: kind, data: Notice(callId: call.id, by: UserSummary(user)))
        return try .json(try await broadcast(resolved))
    }

    private func call(_ context: AppRequestContext, user: UserRecord) async throws -> CallRecord {
        let id = try Validation.id(context.parameters.get("id") ?? "", what: "The call")
        guard let call = try await store.call(id: id), call.callerId == user.id || call.calleeId == user.id else {
            throw APIError.notFound("The call")
        }
        return call
    }

    /// Sends the call's new state to both sides' open tabs.
    @discardableResult
    private func broadcast(_ call: CallRecord) async throws -> CallResponse {
        let people = try await store.usersById([call.callerId, call.calleeId])
        guard let caller = people[call.callerId], let callee = people[call.calleeId],
            let meeting = try await store.meeting(id: call.meetingId)
        else { throw APIError.notFound("The call") }
        let response = CallResponse(call, caller: caller, callee: callee, meeting: meeting, origin: services.origin)
        let text = LiveMessage.call(response)
        await services.hub.send(text, to: call.callerId)
        await services.hub.send(text, to: call.calleeId)
        return response
    }

    /// An unanswered call stops ringing after `meetings.ring_seconds`.
    private func scheduleMissedTimeout(callId: String) {
        let seconds = services.configuration.meetings.ringSeconds
        let controller = self
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            if let missed = try? await controller.store.resolveCall(id: callId, status: CallRecord.missed) {
                _ = try? await controller.broadcast(missed)
            }
        }
    }
}

/// A call as both sides see it.
struct CallResponse: Encodable {
    struct MeetingLink: Encodable {
        var id: String
        var code: String
        var joinUrl: String
        var dialInCode: String
    }
    var id: String
    var caller: UserSummary
    var callee: UserSummary
    var meeting: MeetingLink
    var status: String
    var createdAt: String

    init(_ call: CallRecord, caller: UserRecord, callee: UserRecord, meeting: MeetingRecord, origin: String) {
        id = call.id
        self.caller = UserSummary(caller)
        self.callee = UserSummary(callee)
        self.meeting = MeetingLink(
            id: meeting.id, code: meeting.code, joinUrl: "\(origin)/m/\(meeting.code)", dialInCode: meeting.dialInCode)
        status = call.status
        createdAt = Instant.string(call.createdAt)
    }
}
