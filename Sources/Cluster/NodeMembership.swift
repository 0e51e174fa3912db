import Foundation
import Logging
import Store

/// This node's place in the cluster: its row in the shared database, a
/// heartbeat carrying its load, and the state operators set on that row
/// (`parley node cordon|uncordon|drain`), which the node acts on.
///
/// The database is never on the media path: when a heartbeat fails the node
/// carries on with what it has and only reports itself not ready
/// (`NodeReadiness`); the next heartbeat that gets through puts it back.
public actor NodeMembership {
    public nonisolated let node: NodeDescription
    public nonisolated let interval: Duration
    private let store: Store
    private let load: @Sendable () async -> NodeLoad
    private let logger: Logger
    private var readiness: NodeReadiness
    private var cpu = ProcessCPU()
    private var lastPackets: (count: Int, at: Date)?
    private var registered = false
    private var lastReason: NodeReadiness.Reason? = .starting
    private var stateObserver: (@Sendable (NodeState) async -> Void)?
    /// The first heartbeat has told the observer the state.
    private var announced = false
    private let startedAt = Date()

    /// Rows of nodes silent this long are removed by whichever node beats next.
    public static let forgetDeadAfter: TimeInterval = 3600

    public init(store: Store, node: NodeDescription, interval: Duration = .seconds(2),
                load: @escaping @Sendable () async -> NodeLoad, logger: Logger) {
        self.store = store
        self.node = node
        self.interval = interval
        self.load = load
        var tagged = logger
        tagged[metadataKey: "node"] = "\(node.name)"
        self.logger = tagged
        // Not ready after three heartbeats in a row did not get through.
        readiness = NodeReadiness(tolerance: Self.seconds(interval) * 3)
    }

    /// Told each time the state the node acts on changes (and once at the
    /// first heartbeat).
    public func observeState(_ observer: @escaping @Sendable (NodeState) async -> Void) {
        stateObserver = observer
    }

    /// Why the node is not ready now, or nil when it is.
    public func notReady(at now: Date = Date()) -> NodeReadiness.Reason? { readiness.notReady(at: now) }

    public var state: NodeState { readiness.state }

    /// What the node carries now (its parts asked afresh).
    public func currentLoad() async -> NodeLoad { await load() }

    /// The process's CPU share at the last heartbeat, in thousandths of all cores.
    public private(set) var cpuPermille = 0

    /// Heartbeats every `interval` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await beat()
            try? await Task.sleep(for: interval)
        }
    }

    /// One heartbeat: registers the node if it is not (yet, or any more),
    /// writes its load, reads its state.
    public func beat(now: Date = Date()) async {
        let before = readiness.state
        let figures = await load()
        let share = cpu.share()
        cpuPermille = Int(share * 1000)
        let time = Int(now.timeIntervalSince1970 * 1000)
        var packetRate = 0
        if let last = lastPackets, now > last.at {
            packetRate = Int(Double(max(figures.packetsForwarded - last.count, 0)) / now.timeIntervalSince(last.at))
        }
        lastPackets = (figures.packetsForwarded, now)
        do {
            var state: NodeState?
            if registered {
                state = try await store.heartbeat(
                    nodeId: node.id, at: time, cpuPermille: Int(share * 1000), packetsPerSecond: packetRate,
                    participants: figures.participants, rooms: figures.rooms, calls: figures.calls, recordings: figures.recordings)
            }
            if state == nil {
                // First beat, or the row was removed (`parley node forget`, or
                // pruned after a long outage): the node says who it is again.
                let replaced = try await store.registerNode(record(time: time, state: readiness.state == .draining ? .draining : .ready))
                if replaced > 0 {
                    logger.notice("replaced the row of a node that ran at this address before", metadata: ["rows": "\(replaced)"])
                }
                registered = true
                state = readiness.state == .draining ? .draining : .ready
            }
            // A drain this node started (a signal) while the database was away wins.
            if readiness.state == .draining, state != .draining {
                _ = try await store.setNodeState(.draining, named: node.id, aliveSince: 0)
                state = .draining
            }
            readiness.heartbeatSucceeded(at: now, state: state ?? .ready)
            try await store.pruneNodes(heartbeatBefore: time - Int(Self.forgetDeadAfter * 1000))
        } catch {
            readiness.heartbeatFailed()
            if lastReason != .databaseUnreachable {
                logger.warning("heartbeat did not reach the database; meetings carry on, new ones wait",
                               metadata: ["error": "\(String(describing: error).prefix(200))"])
            }
        }
        report(now: now)
        if readiness.state != before || !announced {
            announced = true
            logger.notice("node state", metadata: ["state": "\(readiness.state.rawValue)"])
            await stateObserver?(readiness.state)
        }
    }

    /// Starts draining on this node's own account (a signal), at once.
    public func drain() async {
        guard readiness.state != .draining else { return }
        readiness.drain()
        logger.notice("node state", metadata: ["state": "draining", "by": "signal"])
        await stateObserver?(.draining)
        _ = try? await store.setNodeState(.draining, named: node.id, aliveSince: 0)
    }

    /// Removes the node's row (a clean stop). A failure leaves the row to
    /// go stale, which `parley node list` shows as gone.
    public func leave() async {
        guard registered else { return }
        do {
            try await store.removeNode(id: node.id)
            registered = false
        } catch {
            logger.warning("could not remove the node's row at stop", metadata: ["error": "\(error)"])
        }
    }

    private func report(now: Date) {
        let reason = readiness.notReady(at: now)
        guard reason != lastReason else { return }
        if let reason {
            logger.notice("node not ready", metadata: ["reason": "\(reason.rawValue)"])
        } else {
            logger.notice("node ready")
        }
        lastReason = reason
    }

    private func record(time: Int, state: NodeState) -> NodeRecord {
        NodeRecord(id: node.id, name: node.name, httpUrl: node.httpURL, mediaAddress: node.mediaAddress, sipAddress: node.sipAddress,
                   version: node.version, state: state, startedAt: Int(startedAt.timeIntervalSince1970 * 1000), heartbeatAt: time,
                   recordingStore: node.recordingStore, capacity: node.capacity, pipeHost: node.pipeHost)
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }
}
