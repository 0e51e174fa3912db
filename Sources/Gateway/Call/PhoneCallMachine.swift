import NIOCore
import SDP

/// One phone call's signalling and lifecycle as a state machine without
/// I/O: events in (SIP, RTP arrival, keys, the clock, prompts ending, the
/// directory's answer, the room), actions out (responses, prompts, joining
/// and leaving the room, hanging up). `GatewayEngine` carries the actions
/// out and feeds back what happened; tests drive the machine directly with
/// a manual clock (time comes in with each event).
///
/// An incoming call starts in `.answering`: the engine binds an RTP port,
/// negotiates the phone's offer and reports `.mediaReady`. A dial-out starts
/// in `.dialing` and learns its fate from `.outgoingAnswered` or
/// `.outgoingFailed`. Every call ends exactly once, with `.hangUp` (we end
/// the dialog) or `.finish` (it is already over); after that the machine
/// answers every event with no action.
struct PhoneCallMachine {
    enum Stage: Equatable, Sendable {
        /// A dial-out: our INVITE is on its way, the callee has not answered.
        case dialing
        /// An incoming INVITE is being answered (port, SDP, dialplan, lookup).
        case answering
        /// Hearing "enter the meeting code" (or passcode) and typing.
        case prompting
        /// Joining a room.
        case joining
        /// Waiting in the room's lobby for the host.
        case lobby
        case inRoom
        /// Playing a last prompt before hanging up.
        case leaving
        case ended
    }

    /// The machine's clocks.
    struct Timing: Sendable {
        /// No RTP for this long from a phone that should send: hang up.
        var rtpTimeout: TimeAmount = .seconds(30)
        /// A code typed without `#` counts after this pause.
        var typingPause: TimeAmount = .seconds(5)
        /// `*` then a key within this window is a command (`*6` mutes).
        var commandWindow: TimeAmount = .seconds(3)
    }

    let timing: Timing
    let outgoing: Bool
    /// For a dial-out, how the callee is named in notices to the host who called.
    let calleeName: String
    /// How the dialplan routed an incoming call (nil for a dial-out).
    let route: DialplanDecision?
    /// For a `join` route: the meeting the engine found before the call
    /// existed (an unknown code is refused before any call state or port,
    /// `GatewayEngine+Admission`). Nil: the machine asks for a lookup.
    let found: DialInMeeting?

    // The state below changes only inside `handle(_:now:)`. It is settable
    // from the module because the machine's extensions live in files of
    // their own (`private(set)` would confine them to this one); the engine
    // and tests only read it.
    var stage: Stage
    /// The 2xx to the INVITE went out (or, for a dial-out, came in).
    var answered = false
    /// Our SDP in the last answer or offer we sent.
    var localSDP: String?
    /// Our offer awaiting the phone's answer (RFC 3264 §4): made for an
    /// INVITE or re-INVITE without SDP, and for a dial-out.
    var pendingOffer: String?
    /// The phone's direction once media is agreed; nil before that.
    var phoneDirection: Direction?
    var lastRTPAt: NIODeadline
    /// The caller's last key while prompting (the typing pause counts from it).
    var lastKeyAt: NIODeadline?
    /// `*` in the room: the next key is a command.
    var starPressedAt: NIODeadline?
    var prompt = CodePrompt()
    var meeting: DialInMeeting?
    /// Joining the room was asked for: ending the call must leave it.
    var inRoomOrJoining = false
    var muted = false
    /// A host moved the caller here: no lobby (the host vouches for them).
    var movedByHost = false
    /// The room records and this caller has been told.
    var heardRecording = false
    /// A prompt we asked for may still be playing: the engine reports
    /// `.promptFinished` when its player falls silent.
    var promptPlaying = false

    /// A call the dialplan routed: refused at once, or answered (`.answering`).
    /// The engine then binds a port and reports `.mediaReady`. `found` is the
    /// meeting of a `join` route when the engine looked it up first.
    static func incoming(route: DialplanDecision, found: DialInMeeting? = nil, timing: Timing = Timing(),
                         now: NIODeadline) -> (PhoneCallMachine, [Action]) {
        var machine = PhoneCallMachine(stage: .answering, outgoing: false, calleeName: "", route: route, meeting: nil, found: found,
                                       timing: timing, now: now)
        if case .reject(let status, let reason) = route {
            machine.stage = .ended
            return (machine, [.respond(status: status, phrase: reason)])
        }
        return (machine, [])
    }

    /// A call Parley places to bring `calleeName` into `meeting`; the engine
    /// binds a port, sends the INVITE and reports `.dialed`.
    static func dialingOut(into meeting: DialInMeeting, calleeName: String, timing: Timing = Timing(), now: NIODeadline) -> PhoneCallMachine {
        PhoneCallMachine(stage: .dialing, outgoing: true, calleeName: calleeName, route: nil, meeting: meeting, found: nil,
                         timing: timing, now: now)
    }

    private init(stage: Stage, outgoing: Bool, calleeName: String, route: DialplanDecision?, meeting: DialInMeeting?,
                 found: DialInMeeting?, timing: Timing, now: NIODeadline) {
        self.found = found
        self.stage = stage
        self.outgoing = outgoing
        self.calleeName = calleeName
        self.route = route
        self.meeting = meeting
        self.timing = timing
        self.lastRTPAt = now
    }

    /// The phone is expected to send RTP: media is agreed in both directions.
    /// A phone that holds (`a=sendonly`, `inactive`, or `c=0.0.0.0`,
    /// RFC 3264 §8.4) or only listens may fall silent, and is not hung up.
    var expectsRTP: Bool { phoneDirection == .sendrecv }

    /// Takes one event at `now`; returns what to do, in order.
    mutating func handle(_ event: Event, now: NIODeadline) -> [Action] {
        guard stage != .ended else { return [] }
        switch event {
        case .mediaReady(let result): return mediaReady(result, now: now)
        case .mediaUnusable(let reason): return mediaUnusable(reason)
        case .acknowledged(let sdp): return acknowledged(sdp)
        case .reinvited(let result): return reinvited(result, now: now)
        case .phoneHungUp: return end("phone_hung_up", bye: false)
        case .dialed(let offer):
            pendingOffer = offer
            localSDP = offer
            return []
        case .outgoingAnswered(let sdp): return outgoingAnswered(sdp, now: now)
        case .outgoingFailed(let status, let phrase): return outgoingFailed(status: status, phrase: phrase)
        case .rtpArrived:
            lastRTPAt = now
            return []
        case .key(let key): return pressed(key, now: now)
        case .tick: return tick(now: now)
        case .promptFinished: return promptFinished()
        case .lookedUp(let result): return lookedUp(result, now: now)
        case .room(let outcome): return room(outcome)
        case .transferred: return end("transferred", bye: true)
        case .moveTo(let meeting): return move(to: meeting)
        case .shutdown: return end("shutdown", bye: true)
        }
    }

    // MARK: - Shared steps

    /// Plays a prompt (stopping what plays).
    mutating func play(_ prompt: Prompt) -> Action {
        promptPlaying = true
        return .play(prompt, replacing: true)
    }

    /// Plays a last prompt; the call hangs up when it has played.
    mutating func leave(after prompt: Prompt) -> [Action] {
        stage = .leaving
        return [play(prompt)]
    }

    /// Sends the 200 OK with our SDP, once.
    mutating func answer() -> [Action] {
        guard !answered else { return [] }
        answered = true
        return [.answer(sdp: localSDP)]
    }

    /// Ends the call: out of the room first, then BYE (`bye`) or nothing
    /// more on SIP, and the engine forgets it. The only way to `.ended`.
    mutating func end(_ reason: String, bye: Bool) -> [Action] {
        guard stage != .ended else { return [] }
        stage = .ended
        var actions: [Action] = []
        if inRoomOrJoining { actions.append(.leaveRoom(reason: reason)) }
        actions.append(bye ? .hangUp(reason: reason) : .finish(reason: reason))
        return actions
    }
}
