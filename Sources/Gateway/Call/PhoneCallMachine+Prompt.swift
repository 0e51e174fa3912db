import NIOCore

extension PhoneCallMachine {
    /// A key: typed into the code prompt, or a command in the room.
    mutating func pressed(_ key: Character, now: NIODeadline) -> [Action] {
        switch stage {
        case .prompting:
            lastKeyAt = now
            // A key during the welcome answers the call (it played as early media).
            let typed = prompt.pressed(key)
            return answer() + run(typed)
        case .inRoom:
            // *6 toggles mute, as on most conference bridges.
            if key == "*" {
                starPressedAt = now
            } else if key == "6", let star = starPressedAt, now - star < timing.commandWindow {
                starPressedAt = nil
                muted.toggle()
                return [play(muted ? .muted : .unmuted), .setMuted(muted)]
            } else {
                starPressedAt = nil
            }
            return []
        case .dialing, .answering, .joining, .lobby, .leaving, .ended:
            return []
        }
    }

    /// The clock: a code typed without `#` counts after a pause, and a phone
    /// that should send RTP but has not for `rtpTimeout` is gone (a phone
    /// that lost power or network never sends BYE; the session timer of
    /// RFC 4028 would notice only after minutes).
    mutating func tick(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        if stage == .prompting, let last = lastKeyAt, now - last > timing.typingPause {
            lastKeyAt = nil
            let submitted = prompt.typingPaused()
            actions += run(submitted)
        }
        switch stage {
        case .prompting, .joining, .lobby, .inRoom, .leaving:
            if expectsRTP, now - lastRTPAt > timing.rtpTimeout {
                actions += end("rtp_timeout", bye: true)
            }
        case .dialing, .answering, .ended:
            break
        }
        return actions
    }

    /// The prompt has played: the welcome ends in the answer, and a last
    /// prompt ends in the hang-up.
    mutating func promptFinished() -> [Action] {
        promptPlaying = false
        switch stage {
        case .prompting: return answer()
        case .leaving: return end("goodbye", bye: true)
        default: return []
        }
    }

    /// The directory's answer: for a code the dialplan named, the call is
    /// answered or refused; for a typed code, the prompt goes on.
    mutating func lookedUp(_ result: Result<DialInMeeting, CallRefusal>, now: NIODeadline) -> [Action] {
        switch (stage, result) {
        case (.answering, .success(let meeting)):
            let (prompt, first) = CodePrompt.joining(meeting)
            let actions = answer()
            startPrompting(prompt, now: now)
            return actions + run(first)
        case (.answering, .failure(let refusal)):
            if let response = refusal.sipRefusal {
                return [.respond(status: response.status, phrase: response.phrase)] + end(refusal.logReason, bye: false)
            }
            startPrompting(CodePrompt(), now: now)
            return answer() + leave(after: Prompt.forRefusal(refusal))
        case (.prompting, .success(let meeting)):
            let next = prompt.meetingFound(meeting)
            return run(next)
        case (.prompting, .failure(.unknownMeeting)):
            let next = prompt.meetingFound(nil)
            return run(next)
        case (.prompting, .failure(let refusal)):
            return leave(after: Prompt.forRefusal(refusal))
        default:
            return []
        }
    }

    mutating func startPrompting(_ prompt: CodePrompt, now: NIODeadline) {
        self.prompt = prompt
        stage = .prompting
        // The RTP clock starts now: early media may have kept the phone quiet.
        lastRTPAt = now
    }

    /// Carries out what the code prompt decided.
    mutating func run(_ promptActions: [CodePrompt.Action]) -> [Action] {
        var actions: [Action] = []
        for action in promptActions {
            switch action {
            case .play(let prompt): actions.append(play(prompt))
            case .lookUp(let code): actions.append(.lookUp(code: code))
            case .join(let meeting): actions += join(meeting)
            case .hangUp(let prompt): actions += leave(after: prompt)
            }
        }
        return actions
    }
}
