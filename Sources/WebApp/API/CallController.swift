import Foundation
import Hummingbird
import Meetings
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

    /// The ring lifecycle's rules live in `CallLifecycle`; this controller
    /// parses, calls it, tells both sides, and encodes.
    var lifecycle: CallLifecycle {
        CallLifecycle(store: store, ringSeconds: services.configuration.meetings.ringSeconds)
    }

    @Sendable func ring(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var userId: String }
        let user = try context.requireUser()
        let input = try await request.decodeJSON(Input.self, context: context)
        let calleeId = try Validation.id(input.userId, what: "The person")
        let (call, meeting, callee) = try await mapped { try await lifecycle.ring(from: user, to: calleeId, codes: MeetingCodes.generate) }
        let response = CallResponse(call, caller: user, callee: callee, meeting: meeting, origin: services.origin)
        struct Notice: Encodable { var callId: String; var meetingId: String; var joinUrl: String; var from: UserSummary }
        await services.notifier.notifyQuietly(
            userId: callee.id, kind: "call",
            data: Notice(callId: call.id, meetingId: meeting.id, joinUrl: response.meeting.joinUrl, from: UserSummary(user)))
        await services.hub.send(LiveMessage.call(response), to: callee.id)
        let controller = self
        lifecycle.missUnanswered(callID: call.id) { missed in _ = try? await controller.broadcast(missed) }
        return try .json(response, status: .created)
    }

    @Sendable func accept(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await answer(context, accept: true, kind: "call_accepted")
    }

    @Sendable func decline(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await answer(context, accept: false, kind: "call_declined")
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let call = try await call(context, user: user)
        if let cancelled = try await mapped({ try await lifecycle.cancel(call, by: user.id) }) {
            try await broadcast(cancelled)
        }
        return .noContent
    }

    private func answer(_ context: AppRequestContext, accept: Bool, kind: String) async throws -> Response {
        let user = try context.requireUser()
        let call = try await call(context, user: user)
        let resolved = try await mapped { try await lifecycle.answer(call, by: user.id, accept: accept) }
        struct Notice: Encodable { var callId: String; var by: UserSummary }
        await services.notifier.notifyQuietly(userId: resolved.callerId, kind: kind, data: Notice(callId: call.id, by: UserSummary(user)))
        return try .json(try await broadcast(resolved))
    }

    private func call(_ context: AppRequestContext, user: UserRecord) async throws -> CallRecord {
        let id = try Validation.id(context.parameters.get("id") ?? "", what: "The call")
        return try await mapped { try await lifecycle.call(id: id, for: user.id) }
    }

    /// Runs a lifecycle step, answering its `CallError` over HTTP (`CallError+HTTP`).
    private func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CallError {
            throw APIError(error)
        }
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
    var status: CallStatus
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
