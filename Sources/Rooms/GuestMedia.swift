import Logging
import SFU
import Synchronization

/// The transports this node holds for rooms that run on other nodes (rooms
/// that span nodes, `MediaSites`): which room's node each belongs to, so
/// that their transports' ends (a browser's path died) go back to that
/// node, in order. A guest router whose
/// last transport closed is closed here (its room's node may have died and
/// can no longer ask).
public final class GuestMedia: Sendable {
    /// Sends an event to the node running the room (the front door installs it).
    public typealias Sender = @Sendable (_ home: NodeReference, _ event: MediaEvent) async throws -> Void

    private struct Guest {
        var home: NodeReference
        /// Open transport id → whether it publishes.
        var transports: [String: Bool] = [:]
    }

    private let guests = Mutex<[String: Guest]>([:])
    private let sender = Mutex<Sender?>(nil)
    private let outbox: AsyncStream<(NodeReference, MediaEvent)>.Continuation
    private let media: MediaNode

    init(media: MediaNode, logger: Logger) {
        self.media = media
        let (stream, continuation) = AsyncStream<(NodeReference, MediaEvent)>.makeStream(bufferingPolicy: .unbounded)
        outbox = continuation
        // One sender task, so a room's node sees each transport's events in order.
        Task { [weak self] in
            for await (home, event) in stream {
                guard let send = self?.sender.withLock({ $0 }) else { continue }
                do {
                    try await send(home, event)
                } catch {
                    logger.warning("a media event could not reach the room's node",
                                   metadata: ["node": "\(home.name)", "error": "\(error)"])
                }
            }
        }
    }

    deinit { outbox.finish() }

    /// Installs how events reach a room's node.
    public func setSender(_ send: Sender?) { sender.withLock { $0 = send } }

    /// A transport was made here for a room on `home`.
    public func opened(_ transportID: String, publish: Bool, routerID: String, home: NodeReference) {
        guests.withLock { $0[routerID, default: Guest(home: home)].transports[transportID] = publish }
    }

    /// The room's node closed its router here.
    public func routerClosed(_ routerID: String) {
        _ = guests.withLock { $0.removeValue(forKey: routerID) }
    }

    /// Forgets every guest router of rooms on the node named `home` (it is
    /// gone: nobody will close them); returns each router's open transports.
    func forget(home: String) -> [(routerID: String, transportIDs: [String])] {
        guests.withLock { guests in
            let gone = guests.filter { $0.value.home.name == home }
            for routerID in gone.keys { guests[routerID] = nil }
            return gone.map { ($0.key, Array($0.value.transports.keys)) }
        }
    }

    /// People whose media this node carries for rooms elsewhere (their
    /// publish transports): they count in this node's load.
    public var participantCount: Int {
        guests.withLock { $0.values.reduce(0) { $0 + $1.transports.values.filter { $0 }.count } }
    }

    /// Rooms elsewhere this node holds media of.
    public var routerCount: Int { guests.withLock { $0.count } }

    /// A media event of a router with no room here: a transport's end goes to its room's node.
    func handle(_ event: MediaEvent) async {
        // A room acts only on a transport's end; it detects its speaker itself.
        guard case .transportClosed(let routerID, let closed, _) = event else { return }
        let (home, emptied) = guests.withLock { guests -> (NodeReference?, Bool) in
            guard var guest = guests[routerID] else { return (nil, false) }
            guest.transports[closed] = nil
            let emptied = guest.transports.isEmpty
            guests[routerID] = emptied ? nil : guest
            return (guest.home, emptied)
        }
        guard let home else { return }
        outbox.yield((home, event))
        if emptied { await media.closeRouter(routerID) }
    }
}
