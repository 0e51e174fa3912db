import NIOCore
import SDP
import Testing
@testable import Gateway

/// The call's way in: the dialplan's route, the INVITE's SDP, early media,
/// the code prompt and its clock. No sockets, no sleeping.
@Suite struct PhoneCallMachineTests {
    typealias Driver = PhoneCallDriver
    let meeting = Driver.meeting

    @Test func aCodeDialledDirectlyIsAnsweredThenJoinsTheRoom() {
        var call = Driver.incoming(.join(dialInCode: "246810"))
        #expect(call.log.isEmpty)
        #expect(call.stage == .answering)
        // Not answered until the directory knows the meeting.
        #expect(call.send(.mediaReady(.success(.answer(sdp: Driver.ourAnswer, phoneDirection: .sendrecv))))
            == [.lookUp(code: "246810")])
        #expect(call.send(.lookedUp(.success(meeting))) == [.answer(sdp: Driver.ourAnswer), .play(.joining, replacing: true), .joinRoom(meeting)])
        #expect(call.stage == .joining)
        #expect(call.send(.room(.joined(recording: false))) == [.publish])
        #expect(call.stage == .inRoom)
        #expect(call.machine.answered)
    }

    /// The engine looks a dialled code up before the call exists (an unknown
    /// code never gets a machine or a port): the machine starts with the
    /// meeting and asks no second time.
    @Test func aCodeFoundBeforeTheCallExistedIsNotLookedUpAgain() {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        let (machine, first) = PhoneCallMachine.incoming(route: .join(dialInCode: "246810"), found: meeting, timing: Driver.timing, now: start)
        var call = Driver(machine: machine, now: start, log: first)
        #expect(call.log.isEmpty)
        #expect(call.send(.mediaReady(.success(.answer(sdp: Driver.ourAnswer, phoneDirection: .sendrecv))))
            == [.answer(sdp: Driver.ourAnswer), .play(.joining, replacing: true), .joinRoom(meeting)])
        #expect(call.stage == .joining)
    }

    @Test func aDirectCodeWithAPasscodeAsksForIt() {
        var call = Driver.incoming(.join(dialInCode: "135790"))
        call.send(.mediaReady(.success(.answer(sdp: Driver.ourAnswer, phoneDirection: .sendrecv))))
        #expect(call.send(.lookedUp(.success(Driver.guarded))) == [.answer(sdp: Driver.ourAnswer), .play(.enterPasscode, replacing: true)])
        #expect(call.stage == .prompting)
        #expect(call.type("42#") == [.play(.joining, replacing: true), .joinRoom(Driver.guarded)])
    }

    @Test func anUnknownDirectCodeIsRefusedWith404() {
        var call = Driver.incoming(.join(dialInCode: "999999"))
        call.send(.mediaReady(.success(.answer(sdp: Driver.ourAnswer, phoneDirection: .sendrecv))))
        #expect(call.send(.lookedUp(.failure(.unknownMeeting)))
            == [.respond(status: 404, phrase: "No Meeting With That Code"), .finish(reason: "unknown_meeting")])
        #expect(call.stage == .ended)
    }

    @Test func aDirectCodeToALockedMeetingIsAnsweredToSaySo() {
        var call = Driver.incoming(.join(dialInCode: "246810"))
        call.send(.mediaReady(.success(.answer(sdp: Driver.ourAnswer, phoneDirection: .sendrecv))))
        #expect(call.send(.lookedUp(.failure(.locked))) == [.answer(sdp: Driver.ourAnswer), .play(.meetingLocked, replacing: true)])
        #expect(call.send(.promptFinished) == [.hangUp(reason: "goodbye")])
    }

    @Test func theDialplanRefusesWithItsStatus() {
        let call = Driver.incoming(.reject(status: 403, reason: "No anonymous calls"))
        #expect(call.log == [.respond(status: 403, phrase: "No anonymous calls")])
        #expect(call.stage == .ended)
    }

    @Test func mediaThatCannotBeSetUpRefusesTheInvite() {
        var noPort = Driver.incoming(.prompt)
        #expect(noPort.send(.mediaReady(.failure(.noPort)))
            == [.respond(status: 503, phrase: "Service Unavailable", headers: ["Retry-After": "30"]), .finish(reason: "no_port")])
        var noCodec = Driver.incoming(.prompt)
        #expect(noCodec.send(.mediaReady(.failure(.offer(.noCommonCodec(offered: ["GSM/8000"])))))
            == [.respond(status: 488, phrase: "Not Acceptable Here"), .finish(reason: "sdp")])
        var garbage = Driver.incoming(.join(dialInCode: "246810"))
        #expect(garbage.send(.mediaReady(.failure(.offer(.malformed(SDPParseError(line: 1, reason: "no v="))))))
            == [.respond(status: 400, phrase: "Bad Request"), .finish(reason: "sdp")])
    }

    @Test func thePromptPlaysAsEarlyMediaAndTheFirstKeyAnswers() {
        var call = Driver.prompting()
        // RFC 3960: 183 with our answer, the welcome under it, no 200 yet.
        #expect(call.log == [.sendEarlyMedia(sdp: Driver.ourAnswer), .play(.enterMeetingCode, replacing: true)])
        #expect(call.stage == .prompting)
        #expect(!call.machine.answered)
        #expect(call.type("2") == [.answer(sdp: Driver.ourAnswer)])
        #expect(call.type("46810").isEmpty)
        #expect(call.type("#") == [.lookUp(code: "246810")])
        #expect(call.send(.lookedUp(.success(meeting))) == [.play(.joining, replacing: true), .joinRoom(meeting)])
    }

    @Test func theWelcomeEndingAnswersTheCall() {
        var call = Driver.prompting()
        #expect(call.machine.promptPlaying)
        #expect(call.send(.promptFinished) == [.answer(sdp: Driver.ourAnswer)])
        #expect(!call.machine.promptPlaying)
        #expect(call.send(.promptFinished).isEmpty)
        #expect(call.type("1").isEmpty)
    }

    @Test func anOfferlessInviteGetsOurOfferInThe200AndTheAnswerInTheAck() throws {
        var call = Driver.incoming(.prompt)
        // RFC 3261 §13.2.1: no offer in an unreliable 183, so the 200 goes at once.
        #expect(call.send(.mediaReady(.success(.offer(sdp: Driver.ourOffer))))
            == [.answer(sdp: Driver.ourOffer), .play(.enterMeetingCode, replacing: true)])
        #expect(call.machine.pendingOffer == Driver.ourOffer)
        #expect(!call.machine.expectsRTP)
        let media = try PhoneNegotiation.readAnswer(Driver.phoneAnswer, toOffer: Driver.ourOffer)
        #expect(call.send(.acknowledged(sdp: Driver.phoneAnswer)) == [.applyMedia(media)])
        #expect(call.machine.pendingOffer == nil)
        #expect(call.machine.expectsRTP)
        #expect(call.stage == .prompting)
    }

    @Test func aBadAnswerInTheAckHangsUp() {
        var call = Driver.incoming(.join(dialInCode: "246810"))
        call.send(.mediaReady(.success(.offer(sdp: Driver.ourOffer))))
        call.send(.lookedUp(.success(meeting)))
        #expect(call.send(.acknowledged(sdp: "v=0\r\nm=video 0 RTP/AVP 96\r\n")) == [.leaveRoom(reason: "bad_answer"), .hangUp(reason: "bad_answer")])
        #expect(call.stage == .ended)
        #expect(call.send(.acknowledged(sdp: Driver.phoneAnswer)).isEmpty)
    }

    @Test func anAckWithoutAPendingOfferChangesNothing() {
        var call = Driver.prompting()
        #expect(call.send(.acknowledged(sdp: nil)).isEmpty)
        #expect(call.send(.acknowledged(sdp: Driver.phoneAnswer)).isEmpty)
    }

    @Test func threeWrongCodesSayGoodbyeAndHangUpAfterThePrompt() {
        var call = Driver.prompting()
        for code in ["1", "2"] {
            #expect(call.type(code + "#").contains(.lookUp(code: code)))
            #expect(call.send(.lookedUp(.failure(.unknownMeeting))) == [.play(.invalidCode, replacing: true)])
        }
        call.type("3#")
        #expect(call.send(.lookedUp(.failure(.unknownMeeting))) == [.play(.goodbye, replacing: true)])
        #expect(call.stage == .leaving)
        // The BYE waits for the goodbye to play.
        #expect(call.wait(.seconds(1)).isEmpty)
        #expect(call.type("123456#").isEmpty)
        #expect(call.send(.promptFinished) == [.hangUp(reason: "goodbye")])
        #expect(call.stage == .ended)
    }

    @Test func aPauseInTypingSubmitsTheCode() {
        var call = Driver.prompting()
        call.type("246810")
        #expect(call.wait(.milliseconds(4_900)).isEmpty)
        #expect(call.wait(.milliseconds(200)) == [.lookUp(code: "246810")])
        // Once: the pause is not counted again.
        #expect(call.wait(.seconds(10)).isEmpty)
    }

    @Test func eachKeyRestartsTheTypingPause() {
        var call = Driver.prompting()
        call.type("24")
        #expect(call.wait(.seconds(4)).isEmpty)
        call.type("6")
        #expect(call.wait(.seconds(4)).isEmpty)
        #expect(call.wait(.seconds(2)) == [.lookUp(code: "246")])
    }

    @Test func aReinviteIsAnsweredOrRefusedAndTheCallGoesOn() {
        var call = Driver.inRoom()
        #expect(call.send(.reinvited(.success(.answer(sdp: "v=0 held", phoneDirection: .sendonly))))
            == [.respond(status: 200, phrase: "OK", sdp: "v=0 held")])
        #expect(call.send(.reinvited(.failure(.offer(.noAudio)))) == [.respond(status: 488, phrase: "Not Acceptable Here")])
        #expect(call.send(.reinvited(.success(.offer(sdp: Driver.ourOffer)))) == [.respond(status: 200, phrase: "OK", sdp: Driver.ourOffer)])
        #expect(call.machine.pendingOffer == Driver.ourOffer)
        #expect(call.stage == .inRoom)
    }
}
