import NIOCore

/// Whether a new call may be answered: by count (`sip.max_calls`, and
/// `sip.max_prompt_calls` for callers who will wait in the code prompt) and
/// by load (the loop that would carry it has headroom: `LoopLoad`). The
/// per-source rate comes before it (`InviteRateLimiter`). A refusal is a 503
/// with Retry-After (RFC 3261 §21.5.4, §20.33), so a phone or trunk tries
/// again later or elsewhere; the calls in progress keep their loop.
///
/// A call costs nothing measurable until its media runs, so a burst of
/// INVITEs would all pass a check of the load alone and then overload the
/// loop together. Calls admitted in the last second are therefore counted
/// ahead at the measured cost of a call (at least `maxBusy / callsPerLoop`).
struct CallAdmission {
    /// Why a call was refused: the metric label, the log line, the Retry-After.
    enum Refusal: String, CaseIterable, Sendable {
        /// `sip.max_calls` calls in progress.
        case maxCalls = "max_calls"
        /// `sip.max_prompt_calls` callers in the code prompt.
        case maxPromptCalls = "max_prompt_calls"
        /// The loop's thread would be past its CPU share.
        case loopBusy = "loop_busy"
        /// The loop's ticks fire late.
        case loopLate = "loop_late"
        /// Too many dialled codes are being looked up at once (before admission).
        case lookups = "lookups"

        /// Seconds to wait before trying again (RFC 3261 §20.33). A full
        /// gateway frees up as calls end (minutes); a loaded loop, sooner.
        var retryAfter: Int {
            switch self {
            case .maxCalls, .maxPromptCalls: 30
            case .loopBusy, .loopLate, .lookups: 15
            }
        }

        /// What the log line says.
        var explanation: String {
            switch self {
            case .maxCalls: "as many calls as sip.max_calls are in progress"
            case .maxPromptCalls: "as many callers as sip.max_prompt_calls are in the code prompt"
            case .loopBusy: "the gateway loop's CPU share would pass its limit"
            case .loopLate: "the gateway loop's 20 ms clock is running late"
            case .lookups: "too many dialled codes are being looked up at once"
            }
        }
    }

    let maxCalls: Int
    let maxPromptCalls: Int
    /// Nil: admission by count only.
    let headroom: LoopHeadroom?
    /// When the calls of the last `warmUp` were admitted.
    private var recent: [NIODeadline] = []
    /// How long a new call's cost is counted ahead of the measurement.
    static let warmUp: TimeAmount = .seconds(1)
    /// The calls one loop carries at `maxBusy` when nothing is measured yet
    /// (README, `make bench-gateway`: about 80 transcoded calls per core).
    /// Not `maxCalls`: a gateway capped at a few calls would take each to
    /// cost most of a core and refuse the second.
    static let callsPerLoop = 80

    init(maxCalls: Int, maxPromptCalls: Int, headroom: LoopHeadroom?) {
        self.maxCalls = max(1, maxCalls)
        self.maxPromptCalls = max(1, maxPromptCalls)
        self.headroom = headroom
    }

    /// Calls admitted in the last second.
    var warmingUp: Int { recent.count }

    /// Decides on one new call (`toPrompt`: it will wait in the code prompt)
    /// while `calls` are in progress, `promptCalls` of them in the prompt.
    /// Nil admits it, and counts it as warming up.
    mutating func decide(calls: Int, promptCalls: Int, toPrompt: Bool, load: LoopLoad, now: NIODeadline) -> Refusal? {
        recent.removeAll { now - $0 >= Self.warmUp }
        if calls >= maxCalls { return .maxCalls }
        if toPrompt, promptCalls >= maxPromptCalls { return .maxPromptCalls }
        if let headroom {
            // Lateness protects calls in progress; with none, a late tick is
            // the machine's doing (other programs) and refusing helps no one.
            if calls > 0, load.lateness > headroom.maxTickLateness { return .loopLate }
            if predictedBusy(load: load, adding: 1, headroom: headroom) > headroom.maxBusy { return .loopBusy }
        }
        recent.append(now)
        return nil
    }

    /// The loop's CPU share once the warming calls and `adding` more run.
    /// A call's cost is measured over the calls that are no longer warming
    /// up: the others are already counted in `calls` but their cost may not
    /// show yet, and would make every call look cheap.
    func predictedBusy(load: LoopLoad, adding: Int, headroom: LoopHeadroom) -> Double {
        let floor = headroom.maxBusy / Double(Self.callsPerLoop)
        let settled = max(1, load.calls - recent.count)
        let measured = load.calls > 0 ? load.busy / Double(settled) : 0
        return load.busy + Double(recent.count + adding) * max(measured, floor)
    }
}
