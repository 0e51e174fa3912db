import Cluster
import Foundation
import Gateway
import Logging
import Rooms
import ServiceLifecycle
import Settings
import Store
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// Keeps this node in the cluster for as long as the server runs: the
/// heartbeat, the state operators set (a cordoned or draining node starts
/// no new rooms), SIGUSR1 to drain, and a drained node's exit; at shutdown
/// the node's row and its meetings' placements are removed.
struct ClusterService: Service {
    let membership: NodeMembership
    let placer: RoomPlacer
    let rooms: RoomRegistry
    /// Nil when SIP is off.
    let gateway: PhoneGateway?
    /// How long a draining node waits for its meetings to empty.
    let drainDeadline: Duration
    /// How long after readiness drops a draining node hands its meetings over.
    var handOverDelay: Duration = .seconds(2)
    let logger: Logger

    func run() async throws {
        let rooms = self.rooms
        let gateway = self.gateway
        await membership.observeState { state in
            await rooms.setStartsRooms(state == .ready)
            gateway?.setTakesNewCalls(state == .ready)
        }
        let membership = self.membership
        let heartbeat = Task { await membership.run() }
        let signals = Task {
            for await _ in await UnixSignalsSequence(trapping: .sigusr1) { await membership.drain() }
        }
        let drainer = Task { await finishDrain() }
        let peers = Task { await watchPeers() }
        try? await gracefulShutdown()
        peers.cancel()
        heartbeat.cancel()
        signals.cancel()
        drainer.cancel()
        await membership.leave()
        // Its meetings may start elsewhere at once: their people, reconnecting
        // through the load balancer, land on a live node.
        await placer.releaseAll()
    }

    /// Notices other nodes that die or leave (no heartbeat for three
    /// intervals): rooms here move the media they had there
    /// (`RoomRegistry.mediaSiteLost`), and pipes from and to them close at
    /// once (copies fed by them end with their consumers; nothing is sent to
    /// them). A node that starts draining is asked to give back the media
    /// it holds for rooms here, so its drain can finish.
    private func watchPeers() async {
        var peers = PeerWatch()
        while !Task.isCancelled {
            try? await Task.sleep(for: membership.interval)
            guard let live = try? await placer.liveNodes() else { continue }
            for change in peers.update(live: live) {
                switch change {
                case let .draining(name):
                    logger.notice("a node drains: media it holds for rooms here moves", metadata: ["node": "\(name)"])
                    await rooms.mediaSiteLost(name, reachable: true)
                case let .restarted(name):
                    logger.notice("a node of the cluster restarted: media it held is gone", metadata: ["node": "\(name)"])
                    await rooms.mediaSiteLost(name)
                case let .gone(name, pipeHost):
                    logger.notice("a node of the cluster is gone", metadata: ["node": "\(name)"])
                    await rooms.mediaSiteLost(name)
                    if !pipeHost.isEmpty { await rooms.media.dropPipes(toNodeAt: pipeHost) }
                }
            }
        }
    }

    /// Once the node drains: hands its meetings to other nodes (a moment
    /// after readiness drops, so the load balancer has stopped sending new
    /// people here), then waits until it carries nothing or the deadline
    /// passes, and stops the server the way SIGTERM does (its remaining
    /// participants' sockets close and their clients reconnect, through the
    /// load balancer, to a ready node).
    private func finishDrain() async {
        var since: ContinuousClock.Instant?
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            guard await membership.state == .draining else {
                since = nil
                continue
            }
            if since == nil {
                try? await Task.sleep(for: handOverDelay)
                let moved = await rooms.handOverAll()
                logger.notice("draining: meetings handed over", metadata: ["meetings": "\(moved)"])
            }
            let start = since ?? .now
            since = start
            let left = await membership.currentLoad().work
            let overdue = ContinuousClock.now - start >= drainDeadline
            guard left == 0 || overdue else { continue }
            logger.notice("drained; stopping", metadata: ["left": "\(left)", "deadline_passed": "\(overdue)"])
            kill(getpid(), SIGTERM)
            return
        }
    }
}
