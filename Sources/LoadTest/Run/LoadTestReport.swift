import Foundation

/// The figures of one run, printed as text or as JSON (`--json`).
public struct LoadTestReport: Sendable, Codable {
    public var rooms = 0
    public var publishersPerRoom = 0
    public var subscribersPerRoom = 0
    public var participantsJoined = 0
    public var participantsFailed = 0
    /// Seconds of the measured window (after the ramp and warm-up).
    public var windowSeconds = 0.0
    public var tracksExpected = 0
    public var tracksReceived = 0
    /// Whole-run counters of every participant.
    public var counters = MediaCounters()
    /// Rates over the measured window.
    public var packetsSentPerSecond = 0.0
    public var packetsReceivedPerSecond = 0.0
    public var sentMbps = 0.0
    public var receivedMbps = 0.0
    /// Lost after repair over expected, from sequence gaps, in percent.
    public var lossPercent = 0.0
    /// The same for video alone, which NACKs can repair.
    public var videoLossPercent = 0.0
    public var joinP50ms: Double?
    public var joinP95ms: Double?
    public var firstMediaP50ms: Double?
    public var firstMediaP95ms: Double?
    /// Comebacks after a dropped socket (a killed or drained node), and the
    /// time from the drop to being in the meeting again and, for
    /// subscribers, to media again (the last comeback of each).
    public var comebacks = 0
    public var backP50ms: Double?
    public var backP95ms: Double?
    public var mediaBackP50ms: Double?
    public var mediaBackP95ms: Double?
    public var delayP50ms: Double?
    public var delayP95ms: Double?
    public var serverCPUSeconds: Double?
    public var serverCPUPercent: Double?
    /// Server CPU per packet the subscribers received (forwarded), in µs.
    public var serverMicrosecondsPerForwardedPacket: Double?
    public var serverRSSMiB: Double?
    /// The server's resident memory before the first participant joined.
    public var serverIdleRSSMiB: Double?
    /// What the server's resident memory grew by, per participant joined.
    public var serverKiBPerParticipant: Double?
    public var errors: [String] = []

    public init() {}

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public var text: String {
        func ms(_ v: Double?) -> String { v.map { String(format: "%.1f ms", $0) } ?? "-" }
        func f(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }
        let c = counters
        var lines = [
            "load: \(rooms) room(s) × (\(publishersPerRoom) publishers + \(subscribersPerRoom) subscribers); "
                + "\(participantsJoined) joined, \(participantsFailed) failed; window \(f(windowSeconds)) s",
            "tracks: \(tracksReceived)/\(tracksExpected) received",
            "packets: sent \(c.packetsSent) (\(f(packetsSentPerSecond, 0))/s, \(f(sentMbps, 2)) Mbit/s), "
                + "received \(c.packetsReceived) (\(f(packetsReceivedPerSecond, 0))/s, \(f(receivedMbps, 2)) Mbit/s)",
            "loss: \(f(lossPercent, 3)) % (\(c.packetsLost) of \(c.packetsExpected) expected; video \(f(videoLossPercent, 3)) %; "
                + "\(c.gapsSeen) gaps before repair, \(c.duplicatesReceived) duplicates)",
            "feedback: NACKs sent \(c.nacksSent) / received \(c.nacksReceived) (\(c.nackedPacketsReceived) packets, "
                + "\(c.retransmissionsSent) retransmitted); PLIs sent \(c.plisSent) / received \(c.plisReceived); "
                + "FIRs received \(c.firsReceived); keyframes sent \(c.keyframesSent)",
            "join: p50 \(ms(joinP50ms)), p95 \(ms(joinP95ms)); first media p50 \(ms(firstMediaP50ms)), p95 \(ms(firstMediaP95ms))",
            "one-way delay (send stamp in the payload): p50 \(ms(delayP50ms)), p95 \(ms(delayP95ms))",
        ]
        if comebacks > 0 {
            lines.append("comebacks: \(comebacks); back in the meeting p50 \(ms(backP50ms)), p95 \(ms(backP95ms)); "
                         + "media again p50 \(ms(mediaBackP50ms)), p95 \(ms(mediaBackP95ms))")
        }
        if let cpu = serverCPUSeconds {
            lines.append("server: CPU \(f(cpu, 2)) s (\(f(serverCPUPercent ?? 0)) % of a core), "
                         + "\(serverMicrosecondsPerForwardedPacket.map { f($0, 2) } ?? "-") µs per forwarded packet, "
                         + "RSS \(serverRSSMiB.map { f($0) } ?? "-") MiB (\(serverIdleRSSMiB.map { f($0) } ?? "-") idle, "
                         + "\(serverKiBPerParticipant.map { f($0) } ?? "-") KiB per participant)")
        }
        if c.srtpErrors > 0 { lines.append("SRTP errors: \(c.srtpErrors)") }
        for error in errors.prefix(8) { lines.append("error: \(error)") }
        if errors.count > 8 { lines.append("… and \(errors.count - 8) more errors") }
        return lines.joined(separator: "\n")
    }
}
