import Foundation
import NIOCore
import SFU

extension LoadTestRunner {
    /// Against Janus's VideoRoom: one room per room of the shape, made with
    /// `create` on an admin handle; publishers publish first (at the ramp
    /// rate), then everyone subscribes to the other publishers of their room
    /// (Janus lists feeds only once they are published).
    func joinJanus(_ plans: [ParticipantPlan], api: JanusAPI, group: any EventLoopGroup, clock: LoadClock,
                   dtlsContext: DTLSContext, progress: Progress) async throws -> ([any LoadParticipant], [String]) {
        let c = configuration
        let admin = try await api.createSession()
        let handle = try await api.attachVideoRoom(session: admin)
        let base = Int.random(in: 1_000_000...9_000_000)
        for room in 0..<c.rooms {
            try await api.message(session: admin, handle: handle, body: [
                "request": "create", "room": base + room, "publishers": c.publishersPerRoom + 1,
                "audiocodec": "opus", "videocodec": "vp8", "bitrate": 0, "notify_joining": false,
            ])
        }
        await api.destroy(session: admin)

        let participants = plans.map {
            JanusParticipant(plan: $0, api: api, room: base + $0.room, group: group, clock: clock,
                             dtlsContext: dtlsContext, sockets: c.sockets)
        }
        var errors: [String] = []
        var publishing: [Task<Result<Int, any Error>, Never>?] = []
        for (plan, participant) in zip(plans, participants) {
            guard plan.publishes else { publishing.append(nil); continue }
            publishing.append(Task {
                do { return .success(try await participant.publishMedia()) } catch { return .failure(error) }
            })
            progress.show("ramping: publisher \(publishing.count) publishing")
            try await Task.sleep(for: .seconds(1 / c.rampRate))
        }
        var feeds: [Int: [Int]] = [:]
        var own: [Int?] = []
        for (plan, task) in zip(plans, publishing) {
            guard let task else { own.append(nil); continue }
            switch await task.value {
            case .success(let feed):
                feeds[plan.room, default: []].append(feed)
                own.append(feed)
            case .failure(let error):
                errors.append("\(plan.name): \(error)")
                own.append(nil)
            }
        }
        var subscribing: [Task<String?, Never>] = []
        for (index, (plan, participant)) in zip(plans, participants).enumerated() {
            let others = (feeds[plan.room] ?? []).filter { $0 != own[index] }
            subscribing.append(Task {
                do {
                    try await participant.subscribe(to: others)
                    return nil
                } catch {
                    return "\(plan.name): \(error)"
                }
            })
            progress.show("ramping: \(index + 1)/\(plans.count) subscribing")
            try await Task.sleep(for: .seconds(1 / c.rampRate))
        }
        for task in subscribing { if let error = await task.value { errors.append(error) } }
        return (participants, errors)
    }
}
