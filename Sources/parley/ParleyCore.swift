import Cluster
import Foundation
import Gateway
import Logging
import Recording
import Rooms
import SFU
import ServiceLifecycle
import Settings
import Store
import WebApp

/// One node's core, assembled by `parley serve`: the media plane, the live
/// rooms, the recording service and the phone gateway, on loops the
/// executable made. The web app and the gateway get what they need from here
/// as equals; neither builds nor stops the other's parts.
struct ParleyCore: Sendable {
    let loops: ServerLoops
    let media: MediaNode
    let rooms: RoomRegistry
    let recordings: RecordingService
    /// Nil when SIP is off.
    let gateway: PhoneGateway?
    let metrics: AppMetrics
    /// This node's row, heartbeat and state in the shared database.
    let membership: NodeMembership
    /// Where each meeting's room runs among the nodes.
    let placer: RoomPlacer
    let drainDeadline: Duration
    let logger: Logger

    /// Builds and starts the core. Everything that can refuse a bad
    /// configuration (the dialplan, the gateway's addresses) is checked before
    /// any port listens.
    static func assemble(configuration c: ParleyConfiguration, store: Store, loops: ServerLoops, metrics: AppMetrics,
                         logger: Logger) async throws -> ParleyCore {
        let gatewayPlan = try GatewayPlan(configuration: c)
        let media = try MediaNode(
            configuration: c.mediaConfiguration,
            eventLoops: Array(loops.media.makeIterator()), logger: logger)
        try await media.start()
        let rooms = RoomRegistry(
            media: media, capacity: c.media.roomCapacity,
            reconnectGrace: .seconds(c.meetings.reconnectGraceSeconds), logger: logger)
        await rooms.start()
        let recordings = RecordingService(
            store: store, rooms: rooms,
            settings: c.recordingSettings, eventLoopGroup: loops.recording,
            logger: logger)
        // Recordings a crash or restart interrupted are finished from what is on disk.
        await recordings.recover()
        // Meetings that record themselves start with the first person let in.
        await rooms.setAdmissionObserver { room in await recordings.participantAdmitted(to: room) }
        let gateway: PhoneGateway?
        do {
            gateway = try await gatewayPlan?.makeGateway(rooms: rooms, store: store, eventLoops: Array(loops.gateway.makeIterator()), logger: logger)
        } catch {
            await recordings.shutdown()
            await rooms.shutdown()
            await media.stop()
            throw error
        }
        if let gateway { await rooms.setDialer(gateway) }
        var description = c.nodeDescription
        description.recordingStore = recordings.node
        let membership = NodeMembership(
            store: store, node: description, interval: .seconds(c.cluster.heartbeatSeconds),
            load: { [media, rooms, recordings, gateway] in
                let packets = await media.statistics().packetsForwarded
                return NodeLoad(packetsForwarded: packets, participants: await rooms.participantCount + rooms.guests.participantCount,
                                rooms: await rooms.count,
                                calls: await gateway?.statistics().activeCalls ?? 0, recordings: await recordings.statistics().capturing)
            }, logger: logger)
        var policy = RoomPlacementPolicy(capacity: c.cluster.nodeCapacity, heartbeatSeconds: c.cluster.heartbeatSeconds)
        policy.spillStress = Double(c.cluster.mediaSpillPercent) / 100
        let placer = RoomPlacer(store: store, nodeID: membership.node.id, policy: policy, logger: logger)
        await rooms.setLocator(ClusterRoomLocator(placer: placer, logger: logger))
        await recordings.setLocator(ClusterRecordingLocator(placer: placer, logger: logger))
        return ParleyCore(loops: loops, media: media, rooms: rooms, recordings: recordings, gateway: gateway, metrics: metrics,
                          membership: membership, placer: placer, drainDeadline: .seconds(c.cluster.drainSeconds), logger: logger)
    }

    /// Recordings close their tracks, rooms end, the media port closes, in
    /// that order (the gateway is stopped by its own service, before this).
    func stopCapturingAndMedia() async {
        await recordings.shutdown()
        await rooms.shutdown()
        await media.stop()
    }

    /// Everything, when the server could not start after the core did.
    func stopAll() async {
        await gateway?.stop()
        await stopCapturingAndMedia()
    }

    /// What the web app serves.
    var webApp: WebAppCore {
        var core = WebAppCore(media: media, rooms: rooms, recordings: recordings, httpLoops: loops.http, blockingPool: loops.blocking,
                              readiness: { [membership] in await membership.report() })
        let node = membership.node
        core.mediaSites = MediaSitePicker(here: NodeReference(name: node.name, controlURL: node.httpURL)) {
            [placer, membership, logger] _, arrivedThrough in
            // This node's own figures, live: under the threshold (the rule)
            // nothing else is read, so joins never wait on the database.
            let load = await membership.currentLoad()
            let stress = placer.policy.stress(participants: load.participants, calls: load.calls,
                                              cpuPermille: await membership.cpuPermille)
            do {
                return try await placer.mediaSite(homeStress: stress, arrivedThrough: arrivedThrough)
                    .map { NodeReference(name: $0.name, controlURL: $0.httpUrl) }
            } catch {
                // Media never waits on the database: the room's node takes them.
                logger.warning("media placement could not read the cluster; media stays here", metadata: ["error": "\(error)"])
                return nil
            }
        }
        return core
    }

    /// The services that run the core, in start order. swift-service-lifecycle
    /// stops a group's services in reverse order, each after the one before
    /// has finished, and the web app's HTTP server and its own services come
    /// after these, so at shutdown: HTTP stops taking requests, then the
    /// gateway hangs up its calls, then recordings close their tracks, then
    /// rooms end and the media port closes.
    var services: [any Service] {
        var services: [any Service] = [CoreShutdown(core: self)]
        if let gateway { services.append(GatewayService(gateway: gateway, metrics: metrics)) }
        // Last to start, first to stop: the node leaves the cluster before anything closes.
        services.append(ClusterService(membership: membership, placer: placer, rooms: rooms, gateway: gateway, drainDeadline: drainDeadline, logger: logger))
        return services
    }
}
