import NIOCore

/// Pipes between this loop and loops of other nodes of a cluster. The steps
/// are those of pipes between loops (`MediaEngine+Pipes.swift`): the origin
/// describes, the far side makes copies, the origin starts sending. Only
/// the link differs (`NodePipeLink`), and the cluster's control plane, not
/// `MediaNode`, carries the steps between the nodes (`MediaNode+NodePipes.swift`).
extension MediaEngine {
    /// The link a datagram on the media port belongs to, by its SSRC; nil
    /// when it is not a pipe datagram (then it is a stranger's RTP).
    func nodeLink(for buffer: ByteBuffer) -> NodePipeLink? {
        guard buffer.readableBytes >= 12,
              buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self).map({ $0 & 0x7F }) == NodePipeLink.payloadType,
              let ssrc = buffer.getInteger(at: buffer.readerIndex + 8, as: UInt32.self) else { return nil }
        return nodeLinksBySSRC[ssrc]
    }

    /// The link to `peer`, made on first use. A link to the same address
    /// and port from an earlier epoch (that node restarted) is replaced: its
    /// keys are dead.
    func nodeLink(to peer: NodePipeEndpoint) throws(MediaError) -> NodePipeLink {
        if let link = nodeLinks[peer] { return link }
        guard let secret = pipeSecret, let local = pipeEndpoint else {
            throw .negotiation("pipes between nodes are not enabled on this node")
        }
        for (endpoint, old) in nodeLinks where endpoint.host == peer.host && endpoint.port == peer.port {
            dropNodeLink(old)
        }
        let link: NodePipeLink
        do { link = try NodePipeLink(engine: self, local: local, peer: peer, secret: secret) } catch let error as MediaError {
            throw error
        } catch {
            throw .negotiation("\(error)")
        }
        nodeLinks[peer] = link
        nodeLinksBySSRC[link.inboundSSRC] = link
        logger.info("pipe link to another node", metadata: ["peer": "\(peer)"])
        return link
    }

    /// Forgets a link: copies fed by it close (their consumers with them),
    /// and producers stop piping down it.
    func dropNodeLink(_ link: NodePipeLink) {
        nodeLinks[link.peer] = nil
        if nodeLinksBySSRC[link.inboundSSRC] === link { nodeLinksBySSRC[link.inboundSSRC] = nil }
        for router in routers.values {
            for (id, pipe) in router.pipesIn where pipe.back === link {
                router.remove(producerID: id)
                router.speakerDetector.forget(id)
            }
            for producer in router.producers.values {
                producer.pipes.removeAll { $0.destination == .node(link.peer) }
            }
        }
    }

    /// On the subscribers' node: copies of producers of another node, fed
    /// from `origin` (the link back carries keyframe and retransmission requests).
    func acceptNodePipes(_ described: [PipedProducer], routerID: String, from origin: NodePipeEndpoint,
                         isHome: Bool) throws(MediaError) {
        makeCopies(described, routerID: routerID, back: try nodeLink(to: origin), isHome: isHome)
    }

    /// On a producer's own node: starts piping each producer to `peer`
    /// and asks its publisher for a keyframe. Returns the ids no longer here.
    func openNodePipes(routerID: String, producerIDs: [String], to peer: NodePipeEndpoint) throws(MediaError) -> [String] {
        guard routers[routerID] != nil else { return producerIDs }
        return startPiping(routerID: routerID, producerIDs: producerIDs, link: try nodeLink(to: peer), destination: .node(peer))
    }
}
