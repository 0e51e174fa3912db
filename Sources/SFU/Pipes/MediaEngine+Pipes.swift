import NIOCore

/// Pipes between the loops of one node: a room whose transports are on
/// several loops has a router on each, and a producer is piped once to each
/// router that has subscribers of it (`MediaNode+Pipes.swift` decides when).
extension MediaEngine {
    /// The link to another loop, made on first use.
    func link(toLoop index: Int, engine: EventLoopConfined<MediaEngine>) -> LoopPipeLink {
        if let link = pipeLinks[index] { return link }
        let link = LoopPipeLink(destinationLoop: index, destination: engine)
        pipeLinks[index] = link
        return link
    }

    /// On a producer's own loop: what the far side of a pipe needs to copy
    /// each of these producers of the room that this loop owns.
    func describe(routerID: String, producerIDs: [String]) -> [PipedProducer] {
        guard let router = routers[routerID] else { return [] }
        return producerIDs.compactMap { id in
            guard let producer = router.producers[id], !producer.isPipedCopy else { return nil }
            return producer.pipedDescription()
        }
    }

    /// On the subscribers' loop: makes a copy of each piped producer the
    /// room's router here lacks. A router made here for it detects the
    /// room's speaker only if this is the room's home.
    func acceptPipes(_ described: [PipedProducer], routerID: String, fromLoop origin: Int,
                     engine: EventLoopConfined<MediaEngine>, isHome: Bool) {
        makeCopies(described, routerID: routerID, back: link(toLoop: origin, engine: engine), isHome: isHome)
    }

    /// Makes a copy of each described producer the room's router here
    /// lacks, fed by a pipe whose way back is `back` (another loop's or
    /// another node's). A router made here for it detects the room's
    /// speaker only if `isHome`.
    func makeCopies(_ described: [PipedProducer], routerID: String, back: any PipeLink, isHome: Bool) {
        let isNew = routers[routerID] == nil
        let router = router(routerID)
        if isNew { router.detectsSpeaker = isHome }
        for d in described where router.producers[d.id] == nil {
            let pipe = PipeTransport(description: d, engine: self, router: router, back: back)
            router.pipesIn[d.id] = pipe
            router.add(pipe.producer)
        }
    }

    /// On a producer's own loop, once the far side has its copies: starts
    /// piping each producer to loop `destination` (a producer already piped
    /// there is left as it is) and asks its publisher for a keyframe, for
    /// the subscribers there. Returns the ids no longer here (closed meanwhile).
    func openPipes(routerID: String, producerIDs: [String], toLoop destination: Int,
                   engine: EventLoopConfined<MediaEngine>) -> [String] {
        guard routers[routerID] != nil else { return producerIDs }
        return startPiping(routerID: routerID, producerIDs: producerIDs, link: link(toLoop: destination, engine: engine),
                           destination: .loop(destination))
    }

    /// Adds a pipe through `link` to each producer (a producer already
    /// piped to `destination` is left as it is) and asks its publisher for a
    /// keyframe, for the subscribers there. Returns the ids no longer here.
    func startPiping(routerID: String, producerIDs: [String], link: any PipeLink, destination: PipeDestination) -> [String] {
        guard let router = routers[routerID] else { return producerIDs }
        var gone: [String] = []
        let now = NIODeadline.now()
        for id in producerIDs {
            guard let producer = router.producers[id], !producer.isPipedCopy else {
                gone.append(id)
                continue
            }
            guard !producer.pipes.contains(where: { $0.destination == destination }) else { continue }
            producer.pipes.append(ProducerPipe(producer: producer, routerID: routerID, link: link, destination: destination))
            for layer in producer.layers { producer.requestKeyframe(layer: layer.index, now: now, urgent: true) }
        }
        flush()
        return gone
    }

    /// Copies whose producer closed before its pipe opened.
    func dropCopies(routerID: String, producerIDs: [String]) {
        guard let router = routers[routerID] else { return }
        for id in producerIDs where router.pipesIn[id] != nil {
            router.remove(producerID: id)
            router.speakerDetector.forget(id)
        }
    }

    /// One message from a pipe, on the loop it was sent to.
    func receive(pipe message: PipeMessage, now: NIODeadline) {
        switch message {
        case let .rtp(routerID, producerID, layer, extendedSequence, packet):
            guard let pipe = routers[routerID]?.pipesIn[producerID] else {
                metrics.droppedPackets(kind: "pipe", reason: "unknown_producer")
                return
            }
            pipe.receive(layer: layer, extendedSequence: extendedSequence, packet: packet, now: now)
        case let .senderReport(routerID, producerID, layer, report):
            routers[routerID]?.pipesIn[producerID]?.producer.passOn(report, layer: layer)
        case let .keyframeRequest(routerID, producerID, layer):
            guard let producer = routers[routerID]?.producers[producerID], !producer.isPipedCopy else { return }
            producer.requestKeyframe(layer: layer, now: now, urgent: true)
        case let .retransmissionRequest(routerID, producerID, layer, sequences, from):
            guard let producer = routers[routerID]?.producers[producerID], !producer.isPipedCopy,
                  let pipe = producer.pipes.first(where: { $0.destination == from }) else { return }
            pipe.resend(layer: layer, extendedSequences: sequences)
        case let .unpipe(routerID, producerID, from):
            guard let producer = routers[routerID]?.producers[producerID], !producer.isPipedCopy else { return }
            producer.pipes.removeAll { $0.destination == from }
        case let .producerClosed(routerID, producerID):
            guard let router = routers[routerID], router.pipesIn[producerID] != nil else { return }
            router.remove(producerID: producerID)
            router.speakerDetector.forget(producerID)
        }
    }

    /// Drops copies nobody here has consumed for `pipeIdleTimeout`, and
    /// tells their origin to stop piping: a loop whose last subscriber of a
    /// track left stops costing the origin a hop per packet. Audio copies on
    /// the home loop stay: the room's speaker detection listens to them.
    func sweepIdlePipes(now: NIODeadline) {
        for router in routers.values {
            for (id, pipe) in router.pipesIn {
                guard pipe.producer.consumers.isEmpty, !(router.detectsSpeaker && pipe.producer.kind == .audio) else {
                    pipe.idleSince = nil
                    continue
                }
                guard let since = pipe.idleSince else {
                    pipe.idleSince = now
                    continue
                }
                guard now - since >= pipeIdleTimeout else { continue }
                router.remove(producerID: id)
                router.speakerDetector.forget(id)
                pipe.back.send(.unpipe(routerID: router.id, producerID: id, from: .loop(load.index)))
            }
        }
    }

    /// Sends what the pipes queued; part of every flush.
    func flushPipes() {
        for link in pipeLinks.values { link.flush() }
        for link in nodeLinks.values { link.flush() }
    }
}
