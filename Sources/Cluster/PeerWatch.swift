import Settings
import Store

/// The other nodes as one node sees them from heartbeat to heartbeat, and
/// what changed that it must act on (`ClusterService` acts): a node that
/// stopped heartbeating or left takes its media and its pipes with it; a
/// node that starts draining must be given back the media it holds for
/// this node's rooms, so its drain can finish.
public struct PeerWatch: Sendable {
    /// A change among the other nodes.
    public enum Change: Equatable, Sendable {
        /// Gone (no heartbeat for three intervals, or its row removed);
        /// `pipeHost` is where its pipes were, to drop those from here.
        case gone(name: String, pipeHost: String)
        /// Back under a new id between two looks: what the old process held
        /// is lost, but its pipes need no dropping (links from an earlier
        /// epoch are replaced when the new one is reached).
        case restarted(name: String)
        /// It started draining and can still be reached.
        case draining(name: String)
    }

    private struct Seen: Sendable {
        var id: String
        var pipeHost: String
        var draining: Bool
    }

    private var known: [String: Seen] = [:]

    public init() {}

    /// The changes since the previous call, given the live nodes now (this
    /// node's own row among them or not); the first call only learns.
    public mutating func update(live: [NodeRecord]) -> [Change] {
        var now: [String: Seen] = [:]
        for node in live where now[node.name] == nil {
            now[node.name] = Seen(id: node.id, pipeHost: Self.pipeHost(of: node), draining: node.state == .draining)
        }
        var changes: [Change] = []
        for (name, was) in known.sorted(by: { $0.key < $1.key }) {
            if let node = now[name] {
                if node.id != was.id {
                    changes.append(.restarted(name: name))
                } else if node.draining, !was.draining {
                    changes.append(.draining(name: name))
                }
            } else {
                changes.append(.gone(name: name, pipeHost: was.pipeHost))
            }
        }
        known = now
        return changes
    }

    /// The host its pipes listen on: the one it states, else its media
    /// address's host (rows from before nodes stated it).
    static func pipeHost(of node: NodeRecord) -> String {
        if !node.pipeHost.isEmpty { return node.pipeHost }
        return (try? HostAndPort(parsing: node.mediaAddress))?.host ?? node.mediaAddress
    }
}
