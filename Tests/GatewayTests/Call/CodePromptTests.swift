import Foundation
import Testing
@testable import Gateway

@Suite struct CodePromptTests {
    let open = DialInMeeting(meetingID: "m1", code: "abc-defg-hij", dialInCode: "123456", title: "Standup", passcode: nil, lobbyEnabled: false)
    let guarded = DialInMeeting(meetingID: "m2", code: "abc-defg-hik", dialInCode: "654321", title: "Board", passcode: "Cafe42", lobbyEnabled: false)

    func type(_ keys: String, into prompt: inout CodePrompt) -> [CodePrompt.Action] {
        keys.flatMap { prompt.pressed($0) }
    }

    @Test func aCodeThenPoundLooksUpAndJoins() {
        var (prompt, first) = CodePrompt.askingForCode()
        #expect(first == [.play(.enterMeetingCode)])
        do { let r = type("1234", into: &prompt); #expect(r.isEmpty) }
        do { let r = type("56#", into: &prompt); #expect(r == [.lookUp(code: "123456")]) }
        #expect(type("9#", into: &prompt).isEmpty)  // ignored while looking up
        do { let r = prompt.meetingFound(open); #expect(r == [.join(open)]) }
    }

    @Test func starStartsTheEntryOver() {
        var (prompt, _) = CodePrompt.askingForCode()
        _ = type("99*123456#", into: &prompt)
        #expect(prompt.stage == .lookingUp)
        var (other, _) = CodePrompt.askingForCode()
        do { let r = type("99*123456#", into: &other); #expect(r == [.lookUp(code: "123456")]) }
    }

    @Test func threeWrongCodesSayGoodbye() {
        var (prompt, _) = CodePrompt.askingForCode()
        _ = type("1#", into: &prompt)
        do { let r = prompt.meetingFound(nil); #expect(r == [.play(.invalidCode)]) }
        _ = type("2#", into: &prompt)
        do { let r = prompt.meetingFound(nil); #expect(r == [.play(.invalidCode)]) }
        _ = type("3#", into: &prompt)
        do { let r = prompt.meetingFound(nil); #expect(r == [.hangUp(after: .goodbye)]) }
        do { let r = type("123456#", into: &prompt); #expect(r.isEmpty) }
    }

    @Test func aPasscodeIsAskedForAndTypedOnTheKeypad() {
        var (prompt, _) = CodePrompt.askingForCode()
        _ = type("654321#", into: &prompt)
        do { let r = prompt.meetingFound(guarded); #expect(r == [.play(.enterPasscode)]) }
        #expect(guarded.keypadPasscode == "223342")
        do { let r = type("000#", into: &prompt); #expect(r == [.play(.invalidPasscode)]) }
        do { let r = type("223342#", into: &prompt); #expect(r == [.join(guarded)]) }
    }

    @Test func threeWrongPasscodesHangUp() {
        var (prompt, first) = CodePrompt.joining(guarded)
        #expect(first == [.play(.enterPasscode)])
        _ = type("1#2#", into: &prompt)
        do { let r = type("3#", into: &prompt); #expect(r == [.hangUp(after: .wrongPasscodeGoodbye)]) }
    }

    @Test func aDirectDialWithoutPasscodeJoinsAtOnce() {
        let (_, actions) = CodePrompt.joining(open)
        #expect(actions == [.join(open)])
    }

    @Test("requires sign-in without a passcode: callers are refused with the sign-in prompt, by code or direct dial")
    func signedInOnlyRefusesCallers() {
        let bare = DialInMeeting(meetingID: "m3", code: "abc-defg-hil", dialInCode: "111222", title: "Members", passcode: nil,
                                 lobbyEnabled: false, requireSignIn: true)
        let (_, direct) = CodePrompt.joining(bare)
        #expect(direct == [.hangUp(after: .signInRequired)])
        var (prompt, _) = CodePrompt.askingForCode()
        _ = type("111222#", into: &prompt)
        do { let r = prompt.meetingFound(bare); #expect(r == [.hangUp(after: .signInRequired)]) }
        #expect(prompt.stage == .finished)
    }

    @Test("requires sign-in with a passcode: the passcode is mandatory, even when the dialplan names the meeting")
    func signedInOnlyWithPasscodeAsksForIt() {
        let members = DialInMeeting(meetingID: "m4", code: "abc-defg-him", dialInCode: "333444", title: "Members", passcode: "2468",
                                    lobbyEnabled: false, requireSignIn: true)
        var (prompt, first) = CodePrompt.joining(members)
        #expect(first == [.play(.enterPasscode)])
        do { let r = type("1357#", into: &prompt); #expect(r == [.play(.invalidPasscode)]) }
        do { let r = type("2468#", into: &prompt); #expect(r == [.join(members)]) }
    }

    @Test func aPauseSubmitsWhatWasTyped() {
        var (prompt, _) = CodePrompt.askingForCode()
        do { let r = prompt.typingPaused(); #expect(r.isEmpty) }
        _ = type("123456", into: &prompt)
        do { let r = prompt.typingPaused(); #expect(r == [.lookUp(code: "123456")]) }
    }

    @Test func endlessDigitsAreCapped() {
        var (prompt, _) = CodePrompt.askingForCode()
        _ = type(String(repeating: "7", count: 500), into: &prompt)
        #expect(prompt.digits.count == CodePrompt.maximumDigits)
    }
}

@Suite struct CallerNameTests {
    @Test func namesNumbersAndAnonymous() {
        #expect(CallerName.make(displayName: "Alice Example", user: "1001", mask: true) == "Alice Example")
        #expect(CallerName.make(displayName: nil, user: "+15551234567", mask: true) == "+1555•••4567")
        #expect(CallerName.make(displayName: "+15551234567", user: "+15551234567", mask: false) == "+15551234567")
        #expect(CallerName.make(displayName: "", user: "anonymous", mask: true) == "Phone caller")
        #expect(CallerName.make(displayName: nil, user: "alice", mask: true) == "alice")
        #expect(CallerName.make(displayName: nil, user: "12345", mask: true) == "Phone ••45")
    }
}

@Suite struct InviteRateLimiterTests {
    @Test func aSourceIsLimitedPerMinuteAndOthersAreNot() {
        var limiter = InviteRateLimiter(perMinute: 3)
        let t0 = Date(timeIntervalSince1970: 1000)
        var answers: [Bool] = []
        for _ in 0..<3 { answers.append(limiter.allow(source: "10.0.0.1", now: t0)) }
        answers.append(limiter.allow(source: "10.0.0.1", now: t0.addingTimeInterval(30)))
        answers.append(limiter.allow(source: "10.0.0.2", now: t0.addingTimeInterval(30)))
        answers.append(limiter.allow(source: "10.0.0.1", now: t0.addingTimeInterval(61)))
        #expect(answers == [true, true, true, false, true, true])
    }
}

@Suite struct DTMFReceiverTests {
    @Test func oneKeyPerEventTimestamp() {
        var receiver = DTMFReceiver()
        func packet(_ event: UInt8, end: Bool) -> [UInt8] { [event, end ? 0x80 | 10 : 10, 0, 160] }
        var keys: [Character] = []
        for (event, ts, end) in [(1, 100, false), (1, 100, false), (1, 100, true), (1, 100, true),
                                 (1, 900, false), (11, 1800, false), (10, 2600, true), (200, 3000, false)] as [(UInt8, UInt32, Bool)] {
            let bytes = packet(event, end: end)
            if let k = bytes.withUnsafeBytes({ receiver.receive(payload: $0, timestamp: ts) }) { keys.append(k) }
        }
        #expect(keys == ["1", "1", "#", "*"])
    }
}
