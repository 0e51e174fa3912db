// Which nominated pair carries media when the browser nominates more than one.
//
// Firefox nominates aggressively (RFC 5245 §8.1.1.2: USE-CANDIDATE on every
// check), so with ICE-TCP on it nominates its UDP pair and, a moment later,
// its TCP pair too, and then uses the pair of highest priority: the UDP one
// (RFC 5245 §11.1.1; RFC 8445 §8.1.1 keeps "the highest-priority nominated
// pair"). Following the latest nomination instead moved Parley's side to TCP
// while Firefox's DTLS went on over UDP, and the handshake never finished.
//
// Chrome nominates once (regular nomination) but re-nominates when its
// network changes, and the new pair may rank lower than the dead one. So a
// lower-priority nomination is not ignored forever: it takes over once the
// selected pair has gone quiet (the agent shows `.disconnected`).
extension ICELiteAgent {
    /// The controlled agent's own candidate priorities (RFC 8445 §5.1.2.1),
    /// one per protocol; the defaults are those of a host UDP candidate and
    /// the passive TCP candidate beside it (RFC 6544 §4.2) on the first address.
    public struct LocalPriorities: Sendable, Equatable {
        /// The priority of the UDP host candidate.
        public var udp: UInt32
        /// The priority of the passive TCP host candidate.
        public var tcp: UInt32

        /// Priorities for the UDP and TCP candidates.
        public init(udp: UInt32 = 2_130_706_431, tcp: UInt32 = 2_124_414_975) {
            self.udp = udp
            self.tcp = tcp
        }
    }

    /// RFC 8445 §6.1.2.3: pair priority = 2^32·MIN(G,D) + 2·MAX(G,D) +
    /// (G>D ? 1 : 0), G the controlling agent's (the browser's) candidate
    /// priority and D the controlled agent's. The browser's is the PRIORITY
    /// of its check (§7.1.1: the priority its candidate would have as peer
    /// reflexive; for a lite agent that is the only one it learns); a check
    /// without PRIORITY ranks lowest.
    func pairPriority(remote: UInt32?, over path: PathProtocol) -> UInt64 {
        let g = UInt64(remote ?? 0)
        let d = UInt64(path == .udp ? localPriorities.udp : localPriorities.tcp)
        return (min(g, d) << 32) + 2 * max(g, d) + (g > d ? 1 : 0)
    }

    /// Whether a nomination of another pair with `priority` replaces the
    /// selected one: always when none is selected; when it ranks at least
    /// as high (the latest of equals wins, as a browser that moved to an
    /// equal path expects); and, ranking lower, only once the selected pair
    /// has had no valid check for `disconnectedTimeout`.
    func takesOver(_ priority: UInt64, now: ContinuousClock.Instant) -> Bool {
        guard selectedAddress != nil, let selectedPriority else { return true }
        if priority >= selectedPriority { return true }
        guard let lastConsent else { return true }
        return lastConsent.duration(to: now) >= disconnectedTimeout
    }
}
