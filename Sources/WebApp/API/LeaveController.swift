import Foundation
import Hummingbird
import Rooms

/// Leaving a meeting without the signaling socket: a page being closed or
/// navigated away sends its resume token with `navigator.sendBeacon`. Some
/// browsers (Firefox) start closing the page's WebSocket before `pagehide`,
/// so a `leave` on the socket may never go out; without this the person
/// would linger as "reconnecting" for the whole grace period.
struct LeaveController {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/leave", use: leave)
    }

    struct LeaveInput: Codable {
        var resumeToken: String
    }

    /// 204 whether or not the person was still in the room (a `leave` on the
    /// socket may have beaten the beacon); 400 for a token that is not one.
    @Sendable func leave(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try await request.decodeJSON(LeaveInput.self, context: context)
        guard let claims = ResumeToken.verify(input.resumeToken, key: services.joinTokenKey) else {
            throw APIError(.badRequest, "bad_token", "That is not a valid way out of a meeting (the token is wrong or expired).")
        }
        if let room = await services.rooms.existingRoom(claims.meetingId) {
            await room.leave(claims.participantId)
        } else if !services.forwarder.isForwarded(request), let node = await services.rooms.remoteHolder(of: claims.meetingId) {
            // The meeting runs on another node (this one relayed the page's
            // socket there): the beacon goes on to it.
            let body = (try? JSONEncoder().encode(input)) ?? Data()
            if await services.forwarder.post("/api/v1/leave", body: body, cookie: nil, to: node) == nil {
                services.logger.notice("a leave could not be sent on to the meeting's node", metadata: ["node": "\(node.name)"])
            }
        }
        return Response(status: .noContent)
    }
}
