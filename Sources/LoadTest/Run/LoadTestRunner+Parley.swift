import Foundation
import NIOCore
import SFU

extension LoadTestRunner {
    /// Against Parley: one host account and meeting per room, made through
    /// the API as a user would; the first participant of a room joins with
    /// the host's token, the others as guests, at the ramp rate.
    func joinParley(_ plans: [ParticipantPlan], group: any EventLoopGroup, clock: LoadClock, dtlsContext: DTLSContext,
                    progress: Progress) async throws -> ([any LoadParticipant], [String]) {
        let c = configuration
        let api = ParleyAPI(base: c.server)
        var signal = URLComponents(url: c.server, resolvingAgainstBaseURL: false)!
        signal.scheme = c.server.scheme == "https" ? "wss" : "ws"
        signal.path = "/api/v1/signal"
        let signalURL = signal.string!
        let resumeURLs = c.resumeThrough.compactMap { server -> String? in
            var url = URLComponents(url: server, resolvingAgainstBaseURL: false)
            url?.scheme = server.scheme == "https" ? "wss" : "ws"
            url?.path = "/api/v1/signal"
            return url?.string
        }

        // One host account and meeting per room, as a user would make them.
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        var meetings: [(code: String, cookie: String)] = []
        for room in 0..<c.rooms {
            let cookie = try await api.signUp(username: "loadtest_\(tag)_\(room)", displayName: "Load host \(room)",
                                              password: "loadtest-\(tag)-password")
            meetings.append((try await api.createMeeting(title: "Load test \(room + 1)", cookie: cookie), cookie))
        }

        var participants: [any LoadParticipant] = []
        var joins: [Task<String?, Never>] = []
        for plan in plans {
            let participant = SimulatedParticipant(plan: plan, api: api, signalURL: signalURL, resumeURLs: resumeURLs, group: group, clock: clock,
                                                   dtlsContext: dtlsContext, sockets: c.sockets, logger: logger)
            participants.append(participant)
            let meeting = meetings[plan.room]
            joins.append(Task {
                do {
                    let token = plan.index == 0
                        ? try await api.joinToken(code: meeting.code, cookie: meeting.cookie)
                        : try await api.joinToken(code: meeting.code, guestName: plan.name)
                    try await participant.join(token: token)
                    return nil
                } catch {
                    return "\(plan.name): \(error)"
                }
            })
            progress.show("ramping: \(participants.count)/\(plans.count) joining")
            try await Task.sleep(for: .seconds(1 / c.rampRate))
        }
        var errors: [String] = []
        for join in joins { if let error = await join.value { errors.append(error) } }

        return (participants, errors)
    }
}
