import NIOCore

extension ParticipantSnapshot {
    /// Reads a participant's two connections on their loops: counters,
    /// delays, when the main one came up (the publish side for publishers),
    /// the first media packet, and problems.
    static func collect(publish: NIOLoopBound<ClientPeerConnection>?, subscribe: NIOLoopBound<ClientPeerConnection>?,
                        publishes: Bool, joinStartedAt start: Double, errors: [String]) async -> ParticipantSnapshot {
        var s = ParticipantSnapshot()
        s.errors = errors
        for (connection, isMain) in [(publish, publishes), (subscribe, !publishes)] {
            guard let connection else { continue }
            let part = try? await connection.eventLoop.submit {
                () -> (MediaCounters, LatencyHistogram, Double?, Double?, Set<String>, [String]) in
                let c = connection.value
                var counters = (c.publisher?.counters ?? MediaCounters()) + (c.subscriber?.totals ?? MediaCounters())
                counters.srtpErrors += c.srtpErrors
                var problems = c.failure.map { [$0] } ?? []
                problems += c.unprotectErrors.sorted { $0.key < $1.key }.map { "\(c.role) \($0.key) ×\($0.value)" }
                return (counters, c.subscriber?.delays ?? LatencyHistogram(), c.dtlsConnectedAt,
                        c.subscriber?.firstPacketAt, c.subscriber?.receivingProducers ?? [], problems)
            }.get()
            guard let part else { continue }
            s.counters = s.counters + part.0
            s.delays.merge(part.1)
            if isMain, let at = part.2 { s.joinSeconds = at - start }
            if let first = part.3 { s.firstMediaSeconds = first - start }
            s.receivingProducers.formUnion(part.4)
            s.errors += part.5
        }
        return s
    }
}
