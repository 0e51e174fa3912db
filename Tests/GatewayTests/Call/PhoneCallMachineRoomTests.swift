import NIOCore
import Rooms
import SDP
import Testing
@testable import Gateway

/// The call in and out of the room: `*6`, the RTP time-out and hold, the
/// lobby, refusals, and every way a call ends (exactly once).
@Suite struct PhoneCallMachineRoomTests {
    typealias Driver = PhoneCallDriver

    @Test func starSixWithinThreeSecondsTogglesMute() {
        var call = Driver.inRoom()
        call.type("*")
        call.now = call.now + .milliseconds(2_900)
        #expect(call.type("6") == [.play(.muted, replacing: true), .setMuted(true)])
        #expect(call.machine.muted)
        #expect(call.type("*6") == [.play(.unmuted, replacing: true), .setMuted(false)])
        #expect(!call.machine.muted)
        // A 6 alone is no command.
        #expect(call.type("6").isEmpty)
    }

    @Test func starThenSixAfterThreeSecondsDoesNothing() {
        var call = Driver.inRoom()
        call.type("*")
        call.now = call.now + .milliseconds(3_100)
        #expect(call.type("6").isEmpty)
        #expect(!call.machine.muted)
        // Another key between them breaks the command too.
        #expect(call.type("*56").isEmpty)
    }

    @Test func theHostsMuteIsHeardAndRemembered() {
        var call = Driver.inRoom()
        #expect(call.send(.room(.mutedByHost)) == [.play(.muted, replacing: true)])
        #expect(call.machine.muted)
        // *6 then unmutes.
        #expect(call.type("*6") == [.play(.unmuted, replacing: true), .setMuted(false)])
        call.send(.room(.muteChanged(true)))
        #expect(call.machine.muted)
    }

    @Test func aSilentPhoneIsHungUpAfterTheRTPTimeout() {
        var call = Driver.inRoom()
        call.send(.rtpArrived)
        #expect(call.wait(.seconds(29)).isEmpty)
        call.send(.rtpArrived)
        #expect(call.wait(.seconds(29)).isEmpty)
        #expect(call.wait(.seconds(2)) == [.leaveRoom(reason: "rtp_timeout"), .hangUp(reason: "rtp_timeout")])
        #expect(call.wait(.seconds(60)).isEmpty)
    }

    @Test(arguments: [Direction.sendonly, .inactive, .recvonly])
    func aPhoneOnHoldIsNotHungUp(_ direction: Direction) {
        var call = Driver.inRoom()
        // RFC 3264 §8.4: the phone holds with a re-INVITE.
        call.send(.reinvited(.success(.answer(sdp: "v=0 held", phoneDirection: direction))))
        #expect(call.wait(.seconds(120)).isEmpty)
        #expect(call.stage == .inRoom)
        // Back from hold: a full time-out to start sending again, then the rule holds.
        call.send(.reinvited(.success(.answer(sdp: "v=0 resumed", phoneDirection: .sendrecv))))
        #expect(call.wait(.seconds(20)).isEmpty)
        #expect(call.wait(.seconds(11)).contains(.hangUp(reason: "rtp_timeout")))
    }

    @Test func theRTPClockWaitsWhileTheCallIsAnswered() {
        var call = Driver.incoming(.join(dialInCode: "246810"))
        call.send(.mediaReady(.success(.answer(sdp: Driver.ourAnswer, phoneDirection: .sendrecv))))
        #expect(call.wait(.seconds(60)).isEmpty)
        // Starts when the call is answered.
        call.send(.lookedUp(.success(Driver.meeting)))
        #expect(call.wait(.seconds(29)).isEmpty)
        #expect(call.wait(.seconds(2)).contains(.hangUp(reason: "rtp_timeout")))
    }

    @Test func theLobbyWaitsThenAdmits() {
        var call = Driver.incoming(.join(dialInCode: "246810"))
        call.send(.mediaReady(.success(.answer(sdp: Driver.ourAnswer, phoneDirection: .sendrecv))))
        call.send(.lookedUp(.success(Driver.meeting)))
        #expect(call.send(.room(.lobbyWaiting)) == [.play(.waiting, replacing: true)])
        #expect(call.stage == .lobby)
        #expect(call.type("*6").isEmpty)
        #expect(call.send(.room(.joined(recording: true))) == [.play(.recording, replacing: false), .publish])
        #expect(call.stage == .inRoom)
    }

    @Test func theLobbyDeniesThenTheCallHangsUp() {
        var call = Driver.incoming(.join(dialInCode: "246810"))
        call.send(.mediaReady(.success(.answer(sdp: Driver.ourAnswer, phoneDirection: .sendrecv))))
        call.send(.lookedUp(.success(Driver.meeting)))
        call.send(.room(.lobbyWaiting))
        #expect(call.send(.room(.lobbyDenied)) == [.play(.notAdmitted, replacing: true)])
        #expect(call.stage == .leaving)
        #expect(call.send(.promptFinished) == [.leaveRoom(reason: "goodbye"), .hangUp(reason: "goodbye")])
    }

    @Test(arguments: [(PhoneCallMachine.RoomOutcome.removed, Prompt.removed), (.ended, .meetingEnded), (.connectionClosed, .meetingEnded)])
    func leavingTheRoomPlaysAPromptThenHangsUp(_ outcome: PhoneCallMachine.RoomOutcome, _ prompt: Prompt) {
        var call = Driver.inRoom()
        #expect(call.send(.room(outcome)) == [.play(prompt, replacing: true)])
        #expect(call.stage == .leaving)
        #expect(call.wait(.milliseconds(20)).isEmpty)
        // The connection closing after a removal does not replace its prompt.
        #expect(call.send(.room(.connectionClosed)).isEmpty)
        #expect(call.send(.promptFinished) == [.leaveRoom(reason: "goodbye"), .hangUp(reason: "goodbye")])
        #expect(call.endings.count == 1)
    }

    @Test(arguments: [(RoomError.locked, Prompt.meetingLocked), (.full, .meetingFull), (.ended, .meetingEnded),
                      (RoomError("unavailable", "No media node."), .meetingEnded)])
    func aFailedJoinSaysWhy(_ error: RoomError, _ prompt: Prompt) {
        var call = Driver.incoming(.join(dialInCode: "246810"))
        call.send(.mediaReady(.success(.answer(sdp: Driver.ourAnswer, phoneDirection: .sendrecv))))
        call.send(.lookedUp(.success(Driver.meeting)))
        #expect(call.send(.room(.joinFailed(CallRefusal(error)))) == [.play(prompt, replacing: true)])
        #expect(call.send(.promptFinished) == [.leaveRoom(reason: "goodbye"), .hangUp(reason: "goodbye")])
    }

    @Test func refusalsMapToPromptsInOnePlace() {
        #expect(CallRefusal(.full) == .full)
        #expect(CallRefusal(.locked) == .locked)
        #expect(CallRefusal(.denied) == .notAdmitted)
        #expect(CallRefusal(.removed) == .removed)
        #expect(CallRefusal(RoomError("odd", "?")) == .other("odd"))
        #expect(Prompt.forRefusal(.notAdmitted) == .notAdmitted)
        #expect(Prompt.forRefusal(.other("odd")) == .meetingEnded)
        #expect(CallRefusal.unknownMeeting.sipRefusal?.status == 404)
        #expect(CallRefusal.full.sipRefusal == nil)
    }

    @Test func recordingIsAnnouncedWhenItStarts() {
        var call = Driver.inRoom()
        #expect(call.send(.room(.recordingChanged(true))) == [.play(.recording, replacing: false)])
        #expect(call.send(.room(.recordingChanged(true))).isEmpty)
        #expect(call.send(.room(.recordingChanged(false))).isEmpty)
        #expect(call.send(.room(.recordingChanged(true))) == [.play(.recording, replacing: false)])
    }
}
