import NIOCore
import Synchronization

/// What the gateway's engines share when it runs on several loops: which
/// engine carries each call (so SIP events reach it), which engine mixes
/// each meeting (so a meeting's callers land together: the mix is cheapest
/// when they share one bridge), and the per-source INVITE limit. Calls of
/// one meeting on two engines still hear each other, through the room like
/// browsers do (each bridge consumes every producer but its own callers').
final class GatewayLoops: Sendable {
    private struct State {
        var owners: [SIPCallID: Int] = [:]
        var callsPerEngine: [Int]
        var meetingEngine: [String: Int] = [:]
        var limiter: InviteRateLimiter
        var engines: [NIOLoopBound<GatewayEngine>] = []

        var leastBusy: Int { callsPerEngine.indices.min { (callsPerEngine[$0], $0) < (callsPerEngine[$1], $1) }! }
    }
    private let state: Mutex<State>
    let count: Int

    /// The trunks, and the one digest challenger every engine shares (a
    /// challenge answered on another engine must verify there too).
    let trunks: TrunkTable
    let challenger: DigestChallenger

    init(engines count: Int, invitesPerMinute: Int, trunks: TrunkTable = TrunkTable(trunks: [], directCalls: true),
         challenger: DigestChallenger = DigestChallenger(realm: "parley")) {
        self.trunks = trunks
        self.challenger = challenger
        self.count = count
        state = Mutex(State(callsPerEngine: Array(repeating: 0, count: count), limiter: InviteRateLimiter(perMinute: invitesPerMinute)))
    }

    /// Set once, when every engine exists.
    func setEngines(_ engines: [NIOLoopBound<GatewayEngine>]) { state.withLock { $0.engines = engines } }
    var engines: [NIOLoopBound<GatewayEngine>] { state.withLock { $0.engines } }

    /// Counts an INVITE from `source` against the node's limit (`sip.invites_per_minute`).
    func allowInvite(source: String) -> Bool { state.withLock { $0.limiter.allow(source: source) } }

    // MARK: - Calls

    /// The engine for a new call: the one carrying the fewest calls (ties: the lower index).
    func leastBusyEngine() -> Int { state.withLock { $0.leastBusy } }

    /// `id` is carried by `engine` (a dial-out, or a call handed to the engine that mixes its meeting).
    func assign(_ id: SIPCallID, to engine: Int) {
        state.withLock { s in
            if let old = s.owners[id] { s.callsPerEngine[old] -= 1 }
            s.owners[id] = engine
            s.callsPerEngine[engine] += 1
        }
    }

    /// The engine carrying `id`, if any.
    func owner(of id: SIPCallID) -> Int? { state.withLock { $0.owners[id] } }

    /// The call is over.
    func forget(_ id: SIPCallID) {
        state.withLock { s in
            guard let old = s.owners.removeValue(forKey: id) else { return }
            s.callsPerEngine[old] -= 1
        }
    }

    // MARK: - Meetings


    /// The engine that mixes `meetingID`; `engine` becomes it when none is
    /// yet. A direct dial asks this as soon as its meeting is found, before
    /// the call exists: callers who dial a meeting at the same moment (the
    /// top of the hour) land on one loop, though each INVITE went to the
    /// least busy one and the first has no bridge yet.
    func mixer(for meetingID: String, claimingFor engine: Int) -> Int {
        state.withLock { s in
            if let owner = s.meetingEngine[meetingID] { return owner }
            s.meetingEngine[meetingID] = engine
            return engine
        }
    }

    /// `engine` mixes `meetingID` now, unless another already does.
    func claim(_ meetingID: String, engine: Int) {
        state.withLock { s in if s.meetingEngine[meetingID] == nil { s.meetingEngine[meetingID] = engine } }
    }

    /// `engine` no longer mixes `meetingID`.
    func release(_ meetingID: String, engine: Int) {
        state.withLock { s in if s.meetingEngine[meetingID] == engine { s.meetingEngine[meetingID] = nil } }
    }

    /// The engine for a dial-out into `meetingID`: the one mixing it, else the least busy.
    func engine(forDialOutInto meetingID: String) -> Int {
        state.withLock { s in
            s.meetingEngine[meetingID] ?? s.leastBusy
        }
    }
}
