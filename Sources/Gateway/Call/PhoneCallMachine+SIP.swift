import NIOCore
import SDP

extension PhoneCallMachine {
    /// The port and our SDP for a new INVITE: early media and the prompt,
    /// or a lookup for a code the dialplan named.
    mutating func mediaReady(_ result: Result<LocalDescription, MediaRefusal>, now: NIODeadline) -> [Action] {
        if outgoing, stage == .dialing, case .failure = result {
            return [.notifyDialer("Parley has no free port for another call right now.")] + end("no_port", bye: false)
        }
        guard stage == .answering else { return [] }
        let description: LocalDescription
        switch result {
        case .success(let d): description = d
        case .failure(.noPort): return [.respond(status: 503, phrase: "Service Unavailable", headers: ["Retry-After": "30"])] + end("no_port", bye: false)
        case .failure(.offer(let error)): return [Self.refuse(error)] + end("sdp", bye: false)
        case .failure(.failed): return [.respond(status: 500, phrase: "Server Internal Error")] + end("media", bye: false)
        }
        take(description)
        switch route {
        case .join(let code):
            // Found before the call was made: no second lookup.
            if let found { return lookedUp(.success(found), now: now) }
            return [.lookUp(code: code)]
        case .prompt:
            // RFC 3960 early media: the welcome plays under 183 Session
            // Progress; the call is answered when it ends or a key is pressed.
            // An INVITE without SDP gets our offer in the 200 instead: an
            // offer may not ride on an unreliable 183 (RFC 3261 §13.2.1).
            var actions: [Action]
            if case .offer = description { actions = answer() } else { actions = [.sendEarlyMedia(sdp: localSDP ?? "")] }
            let (prompt, first) = CodePrompt.askingForCode()
            startPrompting(prompt, now: now)
            actions += run(first)
            return actions
        case .reject, nil:
            return []
        }
    }

    /// The ACK for our 2xx: when we offered in the 200, it carries the
    /// phone's answer (RFC 3264 §5; RFC 3261 §13.2.1).
    mutating func acknowledged(_ sdp: String?) -> [Action] {
        guard let sdp, let offer = pendingOffer else { return [] }
        pendingOffer = nil
        do {
            let media = try PhoneNegotiation.readAnswer(sdp, toOffer: offer)
            phoneDirection = media.remoteDirection
            return [.applyMedia(media)]
        } catch {
            return end("bad_answer", bye: true)
        }
    }

    /// A re-INVITE: answered with our new SDP (RFC 3261 §14.2), or refused
    /// while the call goes on as it was (RFC 3261 §14: a re-INVITE that
    /// fails leaves the session unchanged).
    mutating func reinvited(_ result: Result<LocalDescription, MediaRefusal>, now: NIODeadline) -> [Action] {
        switch result {
        case .success(let description):
            take(description)
            // The phone just spoke SIP: it is alive. A phone back from hold
            // gets a full RTP time-out to start sending again.
            lastRTPAt = now
            return [.respond(status: 200, phrase: "OK", sdp: localSDP)]
        case .failure(.offer(let error)):
            return [Self.refuse(error)]
        case .failure(.noPort), .failure(.failed):
            return [.respond(status: 500, phrase: "Server Internal Error")]
        }
    }

    /// Negotiated media that would not work: the call cannot go on.
    mutating func mediaUnusable(_ reason: String) -> [Action] {
        var actions: [Action] = []
        if outgoing, stage == .joining {
            actions.append(.notifyDialer("\(calleeName) answered, but their phone's audio settings do not work with Parley."))
        }
        return actions + end("bad_answer", bye: true)
    }

    /// A dial-out answered: into the room (a callee the host called does
    /// not wait in the lobby; the engine joins with the lobby off).
    mutating func outgoingAnswered(_ sdp: String?, now: NIODeadline) -> [Action] {
        guard stage == .dialing, let meeting else { return [] }
        guard let sdp, let offer = pendingOffer, let media = try? PhoneNegotiation.readAnswer(sdp, toOffer: offer) else {
            return [.notifyDialer("\(calleeName) answered, but their phone's audio settings do not work with Parley.")]
                + end("bad_answer", bye: true)
        }
        pendingOffer = nil
        phoneDirection = media.remoteDirection
        answered = true
        lastRTPAt = now
        return [.applyMedia(media)] + join(meeting)
    }

    /// A dial-out that never connected: the host hears why.
    mutating func outgoingFailed(status: Int, phrase: String) -> [Action] {
        [.notifyDialer("\(calleeName) \(Self.failureNotice(status: status, phrase: phrase)).")] + end("failed_\(status)", bye: false)
    }

    /// How a dial-out's final status reads in a notice (RFC 3261 §21).
    static func failureNotice(status: Int, phrase: String) -> String {
        switch status {
        case 486, 600: "is busy"
        case 480, 408: "did not answer"
        case 487: "was cancelled"
        case 404, 604: "does not exist"
        case 403, 603: "declined the call"
        default: "could not be reached (\(status) \(phrase))"
        }
    }

    /// 400 for SDP that does not parse, else 488 (RFC 3261 §21.4.26).
    static func refuse(_ error: PhoneNegotiationError) -> Action {
        .respond(status: error.sipStatus, phrase: error.sipStatus == 400 ? "Bad Request" : "Not Acceptable Here")
    }

    private mutating func take(_ description: LocalDescription) {
        switch description {
        case .answer(let sdp, let direction):
            localSDP = sdp
            phoneDirection = direction
        case .offer(let sdp):
            localSDP = sdp
            pendingOffer = sdp
        }
    }
}
