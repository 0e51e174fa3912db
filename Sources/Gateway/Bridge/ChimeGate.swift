import NIOCore

/// When a caller hears that someone joined or left. Each chime ducks the
/// room 12 dB while it plays (`PhoneCall.sendOutput`), and chimes used to
/// queue one after another: twenty people joining within seconds played
/// twenty chimes, and the room stayed turned down for over six seconds.
///
/// Now the first arrival (or departure) chimes at once and the others
/// within `window` are folded into it; a chime is also folded while the
/// caller hears something else (a prompt, or a chime still playing), never
/// queued behind it. So the room is ducked for at most one join and one
/// leave chime (about 0.3 s each) per window, however many come and go.
struct ChimeGate: Sendable {
    enum Chime: Hashable, Sendable {
        case join, leave
    }

    /// One chime of a kind per this long.
    static let window: TimeAmount = .milliseconds(2500)

    private var lastPlayed: [Chime: NIODeadline] = [:]
    /// Chimes folded into one that played (for /metrics).
    private(set) var folded = 0

    init() {}

    /// Whether `chime` plays now; `busy` when the caller's player is already
    /// playing something.
    mutating func shouldPlay(_ chime: Chime, now: NIODeadline, busy: Bool) -> Bool {
        if busy {
            folded += 1
            return false
        }
        if let last = lastPlayed[chime], now - last < Self.window {
            folded += 1
            return false
        }
        lastPlayed[chime] = now
        return true
    }
}
