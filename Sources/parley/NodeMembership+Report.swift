import Cluster
import Foundation
import Settings
import WebApp

extension NodeMembership {
    /// What `/readyz` says about this node.
    func report() -> ReadinessReport {
        let state = self.state.rawValue
        guard let reason = notReady() else { return ReadinessReport(ready: true, state: state) }
        let message = switch reason {
        case .starting: "The node has not reached the database yet."
        case .databaseUnreachable: "The node cannot reach the database; its meetings carry on, new ones should go elsewhere."
        case .draining: "The node is draining: it starts nothing new and stops once its meetings are empty."
        }
        return ReadinessReport(ready: false, state: state, reason: reason.rawValue, message: message)
    }
}

extension ParleyConfiguration {
    /// This server as a cluster node: a new id at every start.
    var nodeDescription: NodeDescription {
        let name = cluster.nodeName.isEmpty ? ProcessInfo.processInfo.hostName : cluster.nodeName
        let mediaHost = media.publicAddress.isEmpty ? media.address.host : media.publicAddress
        let sipHost = sip.publicAddress.isEmpty ? (sip.address?.host ?? "") : sip.publicAddress
        return NodeDescription(
            id: UUID().uuidString.lowercased(), name: name, httpURL: internalHTTPURL,
            mediaAddress: "\(mediaHost):\(media.address.port)", sipAddress: sip.address.map { "\(sipHost):\($0.port)" } ?? "",
            version: ParleyVersion.current, capacity: cluster.nodeCapacity, pipeHost: mediaConfiguration.resolvedPipeAddress)
    }

    /// Where the other nodes reach this node's HTTP server (`cluster.internal_url`).
    var internalHTTPURL: String {
        if !cluster.internalURL.isEmpty { return cluster.internalURL }
        let wildcard = ["0.0.0.0", "::", "[::]", ""].contains(http.address.host)
        let host = wildcard ? ProcessInfo.processInfo.hostName : http.address.host
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "http://\(bracketed):\(http.address.port)"
    }
}
