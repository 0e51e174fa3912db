import NIOCore
import SDP
@testable import Gateway

/// A phone call's machine with a manual clock: tests move time by hand and
/// never sleep.
struct PhoneCallDriver {
    typealias Action = PhoneCallMachine.Action
    var machine: PhoneCallMachine
    var now = NIODeadline.uptimeNanoseconds(1_000_000_000)
    /// Every action so far, in order.
    var log: [Action] = []

    static let meeting = DialInMeeting(meetingID: "m1", code: "abc-defg-hij", dialInCode: "246810", title: "Standup",
                                       passcode: nil, lobbyEnabled: false)
    static let guarded = DialInMeeting(meetingID: "m2", code: "abc-defg-hik", dialInCode: "135790", title: "Board",
                                       passcode: "42", lobbyEnabled: true)
    /// Our SDP as the engine would make it (the machine only carries it).
    static let ourAnswer = "v=0 our answer"
    /// Our offer for an INVITE without SDP, and a phone's answer to it.
    static let ourOffer = PhoneNegotiation.offer(localAddress: "192.0.2.1", localPort: 30000, sessionID: 7, sessionVersion: 1)
    static let phoneAnswer = """
        v=0
        o=- 3412 3412 IN IP4 127.0.0.1
        s=-
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio 10010 RTP/AVP 0 96
        a=rtpmap:0 PCMU/8000
        a=rtpmap:96 telephone-event/8000
        a=fmtp:96 0-15
        a=ptime:20
        a=sendrecv
        """
    static let timing = PhoneCallMachine.Timing(rtpTimeout: .seconds(30))

    /// An incoming call the dialplan routed; `log` holds the first actions.
    static func incoming(_ route: DialplanDecision) -> PhoneCallDriver {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        let (machine, first) = PhoneCallMachine.incoming(route: route, timing: timing, now: start)
        return PhoneCallDriver(machine: machine, now: start, log: first)
    }

    /// A dial-out to "Alice" into `meeting`, its INVITE sent.
    static func dialOut() -> PhoneCallDriver {
        var driver = PhoneCallDriver(machine: .dialingOut(into: meeting, calleeName: "Alice", timing: timing,
                                                          now: .uptimeNanoseconds(1_000_000_000)))
        driver.send(.dialed(offer: ourOffer))
        return driver
    }

    /// A caller who dialled the test meeting's code directly, now in the room.
    static func inRoom() -> PhoneCallDriver {
        var driver = incoming(.join(dialInCode: meeting.dialInCode))
        driver.send(.mediaReady(.success(.answer(sdp: ourAnswer, phoneDirection: .sendrecv))))
        driver.send(.lookedUp(.success(meeting)))
        driver.send(.room(.joined(recording: false)))
        return driver
    }

    /// A caller at the "enter the meeting code" prompt (answered with early media).
    static func prompting() -> PhoneCallDriver {
        var driver = incoming(.prompt)
        driver.send(.mediaReady(.success(.answer(sdp: ourAnswer, phoneDirection: .sendrecv))))
        return driver
    }

    var stage: PhoneCallMachine.Stage { machine.stage }

    /// Gives the machine `event` now; returns its actions.
    @discardableResult
    mutating func send(_ event: PhoneCallMachine.Event) -> [Action] {
        let actions = machine.handle(event, now: now)
        log += actions
        return actions
    }

    /// Types keys one by one; returns every action they caused.
    @discardableResult
    mutating func type(_ keys: String) -> [Action] {
        keys.flatMap { send(.key($0)) }
    }

    /// Moves the clock on and ticks once.
    @discardableResult
    mutating func wait(_ amount: TimeAmount) -> [Action] {
        now = now + amount
        return send(.tick)
    }

    /// The actions so far that end the call (`.hangUp` or `.finish`).
    var endings: [Action] {
        log.filter {
            switch $0 {
            case .hangUp, .finish: true
            default: false
            }
        }
    }
}
