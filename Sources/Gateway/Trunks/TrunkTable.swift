import Foundation

/// The gateway's trunks: which one carries a number Parley dials, and
/// whether an incoming INVITE is let in, and as whose call.
///
/// Like an inbound trunk in LiveKit SIP or an `identify` in Asterisk: a
/// trunk is recognised by the addresses its INVITEs come from, by the
/// credentials they carry, or claims the calls to its own numbers (DIDs),
/// which are then taken from it alone.
public struct TrunkTable: Sendable {
    /// What to do with an incoming INVITE.
    public enum Inbound: Sendable, Equatable {
        /// Take it; `trunk` is the trunk it came through, nil for a direct call.
        case admit(trunk: String?)
        /// 401 with these WWW-Authenticate headers, one per algorithm (RFC 3261 §22.1, RFC 8760 §2.4).
        case challenge([String])
        /// 403 Forbidden; `reason` is for the log.
        case forbid(reason: String)
    }

    public let trunks: [TrunkConfiguration]
    /// Calls no trunk claims are taken (softphones dialling sip:<code>@<host>).
    public let directCalls: Bool

    public init(trunks: [TrunkConfiguration], directCalls: Bool) {
        self.trunks = trunks
        self.directCalls = directCalls
    }

    /// The trunk that dials `number`: the longest `dial_out` match among
    /// trunks with a URI, the first listed on a tie; nil when none does.
    public func dialing(number: String) -> TrunkConfiguration? {
        var best: (trunk: TrunkConfiguration, length: Int)?
        for trunk in trunks where !trunk.uri.isEmpty {
            for pattern in trunk.dialOut {
                if let length = pattern.match(number), length > (best?.length ?? -1) { best = (trunk, length) }
            }
        }
        return best?.trunk
    }

    /// The trunk whose host a SIP URI names, so a call to
    /// `sip:alice@pbx.example` answers the PBX's challenge with its credentials.
    public func serving(host: String) -> TrunkConfiguration? {
        trunks.first { !$0.uri.isEmpty && SIPUserAgent.host(ofURI: $0.uri).lowercased() == host.lowercased() }
    }

    /// Decides an INVITE from `source` to the `dialled` users (Request-URI
    /// and To), answering challenges with `challenger`.
    public func inbound(source: String, dialled: [String], authorization: DigestAuthorization?,
                        challenger: DigestChallenger, now: Date) -> Inbound {
        let bySource = trunks.first { trunk in trunk.allow.contains { $0.contains(source) } }
        let claimant = trunks.first { trunk in
            trunk.numbers.contains { pattern in dialled.contains { pattern.match($0) != nil } }
        }
        if let claimant, !claimant.allow.isEmpty, bySource?.name != claimant.name {
            return .forbid(reason: "calls to trunk \(claimant.name)'s numbers come only from its addresses")
        }
        if let trunk = claimant ?? bySource {
            return check(authorization, against: trunk, challenger: challenger, now: now)
        }
        if let authorization, let trunk = trunks.first(where: { $0.inbound?.username == authorization.username }) {
            return check(authorization, against: trunk, challenger: challenger, now: now)
        }
        if directCalls { return .admit(trunk: nil) }
        if trunks.contains(where: { $0.inbound != nil }) { return .challenge(challenger.challenges(now: now)) }
        return .forbid(reason: "not from a trunk, and sip.direct_calls is off")
    }

    private func check(_ authorization: DigestAuthorization?, against trunk: TrunkConfiguration,
                       challenger: DigestChallenger, now: Date) -> Inbound {
        guard let credentials = trunk.inbound else { return .admit(trunk: trunk.name) }
        switch challenger.verify(authorization, method: "INVITE", credentials: credentials, now: now) {
        case .authorized: return .admit(trunk: trunk.name)
        case .challenge, .replayed: return .challenge(challenger.challenges(now: now))
        case .stale: return .challenge(challenger.challenges(now: now, stale: true))
        case .wrong: return .forbid(reason: "wrong credentials for trunk \(trunk.name)")
        }
    }
}
