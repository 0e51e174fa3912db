import NIOCore
import SDP
import Testing
@testable import Gateway

/// Every way a call ends, once; and calls Parley places.
@Suite struct PhoneCallMachineEndingTests {
    typealias Driver = PhoneCallDriver

    /// Where a call can be when the phone hangs up, and whether it is in
    /// (or on its way into) a room by then.
    enum Moment: String, CaseIterable {
        case answering, prompting, joining, lobby, inRoom, leavingAfterPrompt, leavingTheRoom, dialing

        var call: (Driver, inRoom: Bool) {
            switch self {
            case .answering:
                var call = Driver.incoming(.join(dialInCode: "246810"))
                call.send(.mediaReady(.success(.answer(sdp: Driver.ourAnswer, phoneDirection: .sendrecv))))
                return (call, false)
            case .prompting:
                return (Driver.prompting(), false)
            case .joining, .lobby:
                var call = Driver.prompting()
                call.type("246810#")
                call.send(.lookedUp(.success(Driver.meeting)))
                if self == .lobby { call.send(.room(.lobbyWaiting)) }
                return (call, true)
            case .inRoom:
                return (Driver.inRoom(), true)
            case .leavingAfterPrompt:
                var call = Driver.prompting()
                for code in ["1", "2", "3"] {
                    call.type(code + "#")
                    call.send(.lookedUp(.failure(.unknownMeeting)))
                }
                return (call, false)
            case .leavingTheRoom:
                var call = Driver.inRoom()
                call.send(.room(.removed))
                return (call, true)
            case .dialing:
                return (Driver.dialOut(), false)
            }
        }
    }

    @Test("A completed transfer leaves the room and sends our BYE, once (RFC 5589 §6)")
    func aCompletedTransferEndsOurLeg() {
        var call = Driver.inRoom()
        #expect(call.send(.transferred) == [.leaveRoom(reason: "transferred"), .hangUp(reason: "transferred")])
        #expect(call.stage == .ended)
        #expect(call.send(.phoneHungUp).isEmpty, "the phone's own BYE after the transfer ended the call twice")
    }

    @Test(arguments: Moment.allCases)
    func aCancelOrByeFreesTheCallExactlyOnce(_ moment: Moment) {
        let start = moment.call
        var call = start.0
        let inRoom = start.inRoom
        #expect(call.endings.isEmpty, "\(moment) ended early")
        let ending = call.send(.phoneHungUp)
        // The dialog is over: no BYE of ours, and out of the room if in one.
        #expect(ending == (inRoom ? [.leaveRoom(reason: "phone_hung_up")] : []) + [.finish(reason: "phone_hung_up")])
        #expect(call.stage == .ended)
        // Whatever comes after is too late.
        let late: [PhoneCallMachine.Event] = [.phoneHungUp, .promptFinished, .tick, .key("#"), .rtpArrived, .shutdown,
                                              .lookedUp(.success(Driver.meeting)), .room(.joined(recording: false)),
                                              .room(.removed), .room(.connectionClosed), .acknowledged(sdp: Driver.phoneAnswer),
                                              .outgoingFailed(status: 486, phrase: "Busy Here")]
        for event in late { #expect(call.send(event).isEmpty, "\(event) after the end") }
        #expect(call.wait(.seconds(120)).isEmpty)
        #expect(call.endings.count == 1)
    }

    @Test(arguments: Moment.allCases)
    func shutdownHangsUpExactlyOnce(_ moment: Moment) {
        let start = moment.call
        var call = start.0
        let inRoom = start.inRoom
        #expect(call.send(.shutdown) == (inRoom ? [.leaveRoom(reason: "shutdown")] : []) + [.hangUp(reason: "shutdown")])
        #expect(call.send(.phoneHungUp).isEmpty)
        #expect(call.endings.count == 1)
    }

    // MARK: - Dial-out

    @Test func anAnsweredDialOutJoinsTheRoomWithoutTheLobby() throws {
        var call = Driver.dialOut()
        #expect(call.stage == .dialing)
        #expect(call.machine.outgoing)
        let media = try PhoneNegotiation.readAnswer(Driver.phoneAnswer, toOffer: Driver.ourOffer)
        #expect(call.send(.outgoingAnswered(sdp: Driver.phoneAnswer))
            == [.applyMedia(media), .play(.joining, replacing: true), .joinRoom(Driver.meeting)])
        #expect(call.machine.answered)
        #expect(call.send(.room(.joined(recording: false))) == [.publish])
        // A callee's phone that goes quiet is hung up like any other.
        #expect(call.wait(.seconds(31)).contains(.hangUp(reason: "rtp_timeout")))
    }

    @Test func aDialOutAnsweredWithUnusableSDPIsHungUpAndTheHostTold() {
        for sdp in [nil, "v=0\r\nm=video 0 RTP/AVP 96\r\n"] {
            var call = Driver.dialOut()
            #expect(call.send(.outgoingAnswered(sdp: sdp))
                == [.notifyDialer("Alice answered, but their phone's audio settings do not work with Parley."), .hangUp(reason: "bad_answer")])
        }
        // Media that reads but cannot be set up: the same notice.
        var call = Driver.dialOut()
        call.send(.outgoingAnswered(sdp: Driver.phoneAnswer))
        #expect(call.send(.mediaUnusable(reason: "codec")) == [
            .notifyDialer("Alice answered, but their phone's audio settings do not work with Parley."),
            .leaveRoom(reason: "bad_answer"), .hangUp(reason: "bad_answer"),
        ])
    }

    @Test(arguments: [
        (486, "Busy Here", "Alice is busy."), (600, "Busy Everywhere", "Alice is busy."),
        (480, "Temporarily Unavailable", "Alice did not answer."), (408, "Request Timeout", "Alice did not answer."),
        (487, "Request Terminated", "Alice was cancelled."),
        (404, "Not Found", "Alice does not exist."), (604, "Does Not Exist Anywhere", "Alice does not exist."),
        (403, "Forbidden", "Alice declined the call."), (603, "Decline", "Alice declined the call."),
        (503, "Service Unavailable", "Alice could not be reached (503 Service Unavailable)."),
    ])
    func aFailedDialOutTellsTheHostWhy(_ status: Int, _ phrase: String, _ notice: String) {
        var call = Driver.dialOut()
        #expect(call.send(.outgoingFailed(status: status, phrase: phrase)) == [.notifyDialer(notice), .finish(reason: "failed_\(status)")])
        #expect(call.send(.outgoingAnswered(sdp: Driver.phoneAnswer)).isEmpty)
    }

    @Test func aDialOutWithoutAPortTellsTheHost() {
        var call = PhoneCallDriver(machine: .dialingOut(into: Driver.meeting, calleeName: "Alice", now: .uptimeNanoseconds(0)))
        #expect(call.send(.mediaReady(.failure(.noPort)))
            == [.notifyDialer("Parley has no free port for another call right now."), .finish(reason: "no_port")])
    }

    @Test func aDialOutIgnoresKeysAndTheClockUntilAnswered() {
        var call = Driver.dialOut()
        #expect(call.type("*6#").isEmpty)
        #expect(call.wait(.seconds(120)).isEmpty)
        #expect(call.stage == .dialing)
    }
}
